/// Why the server could not start or keep serving: a socket that could not be opened, an option that makes no
/// sense. The message is meant for an operator's terminal.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidOption = Code("invalidOption")
        public static let addressInUse = Code("addressInUse")
        public static let socketFailed = Code("socketFailed")
        public static let notAListeningSocket = Code("notAListeningSocket")
        public static let libraryFailed = Code("libraryFailed")
        public static let invalidRoutes = Code("invalidRoutes")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
