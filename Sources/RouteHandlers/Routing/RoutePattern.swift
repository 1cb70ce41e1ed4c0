/// A URL pattern in the App Router's folder grammar: `/api/users/[id]`, `/docs/[...slug]`, `/shop/[[...slug]]`.
/// `(group)` segments leave the URL.
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    /// One segment of a pattern.
    public enum Segment: Sendable, Hashable {
        /// A literal segment, compared with the request's decoded segment.
        case literal(String)
        /// `[name]`: exactly one segment.
        case parameter(String)
        /// `[...name]`: one or more segments.
        case catchAll(String)
        /// `[[...name]]`: zero or more segments.
        case optionalCatchAll(String)

        /// The parameter name, for dynamic segments.
        public var parameterName: String? {
            switch self {
            case .literal: nil
            case .parameter(let name), .catchAll(let name), .optionalCatchAll(let name): name
            }
        }
    }

    public let segments: [Segment]

    public init(segments: [Segment]) throws(RouteError) {
        try Self.validate(segments)
        self.segments = segments
    }

    /// Parses a pattern string.
    /// - Throws: ``RouteError`` for an invalid segment, a catch-all that is not last or a repeated parameter name.
    public init(_ pattern: String) throws(RouteError) {
        var segments: [Segment] = []
        for raw in pattern.split(separator: "/", omittingEmptySubsequences: true) {
            if let segment = try Self.parseSegment(raw) { segments.append(segment) }
        }
        try self.init(segments: segments)
    }

    /// Parses one folder or path segment; `nil` for a `(group)`, which leaves the URL.
    public static func parseSegment(_ raw: Substring) throws(RouteError) -> Segment? {
        func invalid(_ why: String) -> RouteError {
            RouteError(.invalidSegment, "Invalid route segment \"\(raw)\": \(why).")
        }
        if raw.hasPrefix("(") {
            guard raw.hasSuffix(")"), raw.count > 2, !raw.dropFirst().dropLast().contains(where: { "()[]/".contains($0) })
            else { throw invalid("a route group is written (name)") }
            return nil
        }
        if raw.hasPrefix("[[...") {
            guard raw.hasSuffix("]]") else { throw invalid("an optional catch-all is written [[...name]]") }
            return .optionalCatchAll(try parameterName(raw.dropFirst(5).dropLast(2), in: raw))
        }
        if raw.hasPrefix("[...") {
            guard raw.hasSuffix("]") else { throw invalid("a catch-all is written [...name]") }
            return .catchAll(try parameterName(raw.dropFirst(4).dropLast(), in: raw))
        }
        if raw.hasPrefix("[") {
            guard raw.hasSuffix("]") else { throw invalid("a dynamic segment is written [name]") }
            return .parameter(try parameterName(raw.dropFirst().dropLast(), in: raw))
        }
        if raw.hasPrefix("_") {
            throw invalid("folders starting with _ are private and not routes; write %5F for a literal underscore")
        }
        if raw.contains(where: { "[]()".contains($0) }) {
            throw invalid("brackets and parentheses are only allowed around a whole segment")
        }
        guard let decoded = try? PercentDecoding.decodeStrict(raw) else {
            throw invalid("malformed percent escape")
        }
        return .literal(decoded)
    }

    private static func parameterName(_ name: Substring, in raw: Substring) throws(RouteError) -> String {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic,
            name.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else {
            throw RouteError(
                .invalidSegment,
                "Invalid route segment \"\(raw)\": the parameter name \"\(name)\" must be an identifier (letters, digits, _).")
        }
        return String(name)
    }

    private static func validate(_ segments: [Segment]) throws(RouteError) {
        var seen: Set<String> = []
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .catchAll, .optionalCatchAll:
                guard index == segments.count - 1 else {
                    throw RouteError(
                        .catchAllNotLast,
                        "Catch-all segment \"\(segment.sourceText)\" must be the last segment of the route.")
                }
            case .literal, .parameter: break
            }
            if let name = segment.parameterName, !seen.insert(name).inserted {
                throw RouteError(
                    .repeatedParameterName,
                    "You cannot have the same slug name \"\(name)\" repeat within a single dynamic path.")
            }
        }
    }

    /// The pattern as written, e.g. `/api/users/[id]`.
    public var description: String {
        "/" + segments.map(\.sourceText).joined(separator: "/")
    }

    /// The names of the pattern's parameters, in order.
    public var parameterNames: [String] {
        segments.compactMap(\.parameterName)
    }
}

extension RoutePattern.Segment {
    /// The segment as written in a pattern.
    public var sourceText: String {
        switch self {
        case .literal(let text):
            text.hasPrefix("_") ? "%5F" + text.dropFirst() : text
        case .parameter(let name): "[\(name)]"
        case .catchAll(let name): "[...\(name)]"
        case .optionalCatchAll(let name): "[[...\(name)]]"
        }
    }
}
