/// A path pattern of Next.js's `redirects`, `rewrites`, `headers` and middleware `matcher`: literal segments and
/// whole-segment parameters, `:slug` (one segment), `:slug?` (zero or one), `:path*` (zero or more), `:path+`
/// (one or more).
public struct SitePattern: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case literal(String)
        case one(String)
        case optional(String)
        case zeroOrMore(String)
        case oneOrMore(String)

        var name: String? {
            switch self {
            case .literal: nil
            case .one(let name), .optional(let name), .zeroOrMore(let name), .oneOrMore(let name): name
            }
        }
    }

    /// Why a pattern cannot be used.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let segments: [Segment]
    public let description: String

    /// - Throws: ``Invalid`` for a pattern that does not start with `/`, a parameter inside a segment
    ///   (`/a-:b`), a regular expression (`:id(\\d+)`) or a parameter named twice.
    public init(_ text: String) throws(Invalid) {
        guard text.hasPrefix("/") else { throw Invalid(description: "\"\(text)\" must start with /") }
        description = text
        var segments: [Segment] = []
        var names: Set<String> = []
        for part in text.split(separator: "/", omittingEmptySubsequences: true) {
            guard part.hasPrefix(":") else {
                guard !part.contains(":"), !part.contains("("), !part.contains("*") else {
                    throw Invalid(description: "\"\(text)\": a parameter must be a whole segment (/:name), not part of \"\(part)\"")
                }
                segments.append(.literal(String(part)))
                continue
            }
            var name = String(part.dropFirst())
            var segment: Segment
            switch name.last {
            case "?":
                name.removeLast()
                segment = .optional(name)
            case "*":
                name.removeLast()
                segment = .zeroOrMore(name)
            case "+":
                name.removeLast()
                segment = .oneOrMore(name)
            default:
                segment = .one(name)
            }
            guard let first = name.first, first.isLetter || first == "_", name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                name.allSatisfy(\.isASCII)
            else {
                throw Invalid(
                    description:
                        "\"\(text)\": \"\(part)\" is not a parameter this supports (:name, :name?, :name*, :name+; no regular expressions)")
            }
            guard names.insert(name).inserted else { throw Invalid(description: "\"\(text)\" names :\(name) twice") }
            if case .optional = segment, segments.last?.name != nil, segments.last.map(Self.isMany) == true {
                throw Invalid(description: "\"\(text)\": :\(name)? cannot follow a :name* or :name+")
            }
            segments.append(segment)
        }
        self.segments = segments
    }

    /// A pattern the route-tree generator checked at build time, as generated code spells it; one that does not
    /// parse matches no path.
    public init(checked text: String) {
        do {
            self = try SitePattern(text)
        } catch {
            self.segments = [.literal("\u{0}")]
            self.description = text
        }
    }

    static func isMany(_ segment: Segment) -> Bool {
        switch segment {
        case .zeroOrMore, .oneOrMore: true
        default: false
        }
    }

    /// The names of the pattern's parameters.
    public var parameterNames: [String] { segments.compactMap(\.name) }

    /// The parameters of `pathname` (segments still percent-encoded, as they came) when it matches; `nil` otherwise.
    /// A trailing slash is ignored, as in Next.js.
    public func match(_ pathname: String) -> [String: [String]]? {
        match(parts: Self.parts(of: pathname))
    }

    /// ``match(_:)`` for a path already split with ``parts(of:)``: split once for every rule.
    func match(parts: [String]) -> [String: [String]]? {
        var values: [String: [String]] = [:]
        return Self.match(segments[...], parts[...], &values) ? values : nil
    }

    /// The path's segments, as patterns match them.
    static func parts(of pathname: String) -> [String] {
        pathname.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private static func match(_ pattern: ArraySlice<Segment>, _ parts: ArraySlice<String>, _ values: inout [String: [String]]) -> Bool {
        guard let segment = pattern.first else { return parts.isEmpty }
        let rest = pattern.dropFirst()
        switch segment {
        case .literal(let text):
            guard parts.first == text else { return false }
            return match(rest, parts.dropFirst(), &values)
        case .one(let name):
            guard let part = parts.first else { return false }
            values[name] = [part]
            return match(rest, parts.dropFirst(), &values)
        case .optional(let name):
            if let part = parts.first {
                values[name] = [part]
                if match(rest, parts.dropFirst(), &values) { return true }
            }
            values[name] = []
            return match(rest, parts, &values)
        case .zeroOrMore(let name), .oneOrMore(let name):
            let least = { if case .oneOrMore = segment { 1 } else { 0 } }()
            // Longest first, as path-to-regexp's greedy match.
            var count = parts.count
            while count >= least {
                values[name] = Array(parts.prefix(count))
                if match(rest, parts.dropFirst(count), &values) { return true }
                count -= 1
            }
            return false
        }
    }

    /// `destination` with each `:name` (also `:name*`, `:name+`) replaced by the parameter's value,
    /// segments joined with `/`; a parameter with no value leaves no empty segment behind.
    public static func substitute(_ destination: String, _ values: [String: [String]]) -> String {
        substitute(destination) { values[$0] }
    }

    /// The parameter names `destination` uses (`:name` and its `*`, `+` forms, not a URL's scheme).
    public static func parameterNames(in destination: String) -> [String] {
        var names: [String] = []
        _ = substitute(destination) { name in
            names.append(name)
            return nil
        }
        return names
    }

    /// The one scan of a destination: each parameter's name goes to `value`; `nil` leaves the parameter as written.
    private static func substitute(_ destination: String, value: (String) -> [String]?) -> String {
        var result = ""
        var index = destination.startIndex
        while index < destination.endIndex {
            let character = destination[index]
            guard character == ":", let next = destination.index(index, offsetBy: 1, limitedBy: destination.endIndex),
                next < destination.endIndex, destination[next].isLetter || destination[next] == "_",
                // "https://" is a scheme, not a parameter.
                !(destination[destination.startIndex..<index].allSatisfy(\.isLetter) && destination[next...].hasPrefix("//"))
            else {
                result.append(character)
                index = destination.index(after: index)
                continue
            }
            var end = next
            while end < destination.endIndex, destination[end].isLetter || destination[end].isNumber || destination[end] == "_" {
                end = destination.index(after: end)
            }
            let name = String(destination[next..<end])
            // `?` after a parameter starts the query: a destination's parameters are not optional.
            if end < destination.endIndex, "*+".contains(destination[end]) { end = destination.index(after: end) }
            guard let parameter = value(name) else {
                result += destination[index..<end]
                index = end
                continue
            }
            if parameter.isEmpty, result.hasSuffix("/") { result.removeLast() }
            result += parameter.joined(separator: "/")
            index = end
        }
        return result.isEmpty ? "/" : result
    }
}
