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
    package static func parseSegment(_ raw: Substring) throws(RouteError) -> Segment? {
        func invalid(_ why: String) -> RouteError {
            RouteError(.invalidSegment, "Invalid route segment \"\(raw)\": \(why).")
        }
        if raw.hasPrefix("(") {
            guard raw.hasSuffix(")"), raw.count > 2, !raw.dropFirst().dropLast().contains(where: { "()[]/".contains($0) })
            else { throw invalid("a route group is written (name)") }
            return nil
        }
        if raw.hasPrefix("[") {
            guard raw.count >= 2, raw.hasSuffix("]") else {
                throw invalid(
                    raw.hasPrefix("[[...")
                        ? "an optional catch-all is written [[...name]]"
                        : raw.hasPrefix("[...") ? "a catch-all is written [...name]" : "a dynamic segment is written [name]")
            }
            // Peeled as Next.js does, so that stray brackets and dots get its messages.
            var name = raw.dropFirst().dropLast()
            var isOptional = false
            if name.hasPrefix("["), name.hasSuffix("]") {
                name = name.dropFirst().dropLast()
                isOptional = true
            }
            let isCatchAll = name.hasPrefix("...")
            if isCatchAll { name = name.dropFirst(3) }
            try checkParameterName(name, in: raw)
            switch (isCatchAll, isOptional) {
            case (true, true): return .optionalCatchAll(String(name))
            case (true, false): return .catchAll(String(name))
            case (false, false): return .parameter(String(name))
            case (false, true):
                throw invalid("optional route parameters are not supported; [[...\(name)]] matches zero or more segments")
            }
        }
        if raw.hasPrefix("_") {
            throw invalid("folders starting with _ are private and not routes; write %5F for a literal underscore")
        }
        if raw.contains(where: { "[]()".contains($0) }) {
            throw invalid("brackets and parentheses are only allowed around a whole segment")
        }
        let decoded: String
        do throws(PercentDecoding.Failure) {
            decoded = try PercentDecoding.decodeStrict(raw)
        } catch {
            throw invalid(error == .malformedEscape ? "malformed percent escape" : "percent escapes that are not UTF-8")
        }
        return .literal(decoded)
    }

    /// Next.js's rules for a parameter name: any text (`user-id`, `1x` and `é` included) but none, brackets, or a
    /// leading `.`. File-based routes also need a name Swift can spell (the generator checks that).
    private static func checkParameterName(_ name: Substring, in raw: Substring) throws(RouteError) {
        func invalid(_ why: String) -> RouteError {
            RouteError(.invalidSegment, "Invalid route segment \"\(raw)\": \(why).")
        }
        if name.hasPrefix("[") || name.hasSuffix("]") {
            throw invalid("segment names may not start or end with extra brackets ('\(name)')")
        }
        if name.hasPrefix(".") {
            throw invalid("segment names may not start with erroneous periods ('\(name)')")
        }
        if name.isEmpty { throw invalid("the parameter has no name") }
        if name.contains(where: { $0 == "[" || $0 == "]" }) {
            throw invalid("the parameter name \"\(name)\" may not contain brackets")
        }
    }

    private static func validate(_ segments: [Segment]) throws(RouteError) {
        var seen: [String] = []
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
            guard let name = segment.parameterName else { continue }
            for earlier in seen {
                if earlier == name {
                    throw RouteError(
                        .repeatedParameterName,
                        "You cannot have the same slug name \"\(name)\" repeat within a single dynamic path.")
                }
                if wordCharacters(earlier) == wordCharacters(name) {
                    throw RouteError(
                        .similarParameterNames,
                        "You cannot have the slug names \"\(earlier)\" and \"\(name)\" differ only by non-word symbols within a single dynamic path."
                    )
                }
            }
            seen.append(name)
        }
    }

    /// What JavaScript's `name.replace(/\W/g, '')` keeps: ASCII letters, digits and `_`.
    private static func wordCharacters(_ name: String) -> [UInt8] {
        name.utf8.filter { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
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
