/// A problem with a route pattern or a route table, found when routes are added or frozen (or, for file-based
/// routes, at build time).
public struct RouteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidSegment = Code("invalidSegment")
        public static let catchAllNotLast = Code("catchAllNotLast")
        public static let repeatedParameterName = Code("repeatedParameterName")
        /// Two parameter names of one route that differ only by non-word characters (`helloworld`, `hello-world`).
        public static let similarParameterNames = Code("similarParameterNames")
        public static let differentParameterNames = Code("differentParameterNames")
        public static let catchAllAndOptionalCatchAll = Code("catchAllAndOptionalCatchAll")
        public static let optionalCatchAllShadowsRoute = Code("optionalCatchAllShadowsRoute")
        public static let duplicateRoute = Code("duplicateRoute")
        public static let duplicateMethod = Code("duplicateMethod")
    }

    public var code: Code
    public var message: String
    /// The other route in a conflict, as its source was given (a file path for file-based routes).
    public var otherSource: String?

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Several route errors reported together, so that one build or start-up shows them all.
public struct RouteErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [RouteError]
    public var description: String {
        errors.map(\.message).joined(separator: "\n")
    }
}
