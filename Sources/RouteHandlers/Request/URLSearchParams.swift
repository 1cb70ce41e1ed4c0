/// Query parameters with WHATWG `URLSearchParams` semantics: `+` is a space, percent escapes are decoded,
/// a malformed escape is kept literally, repeated keys are kept in order.
public struct URLSearchParams: Sendable, Hashable {
    /// The name/value pairs in the order they appeared.
    public private(set) var pairs: [(name: String, value: String)]

    public init() {
        self.pairs = []
    }

    /// Parses an `application/x-www-form-urlencoded` string; a leading `?` is ignored.
    public init(_ query: some StringProtocol) {
        var query = Substring(query)
        if query.first == "?" { query = query.dropFirst() }
        self.pairs = []
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = piece.firstIndex(of: "=") {
                name = piece[..<equals]
                value = piece[piece.index(after: equals)...]
            } else {
                name = piece
                value = ""
            }
            pairs.append(
                (
                    PercentDecoding.decodeLenient(name, plusIsSpace: true),
                    PercentDecoding.decodeLenient(value, plusIsSpace: true)
                ))
        }
    }

    public init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// The first value for `name`.
    public func get(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value for `name`, in order.
    public func getAll(_ name: String) -> [String] {
        pairs.compactMap { $0.name == name ? $0.value : nil }
    }

    public func has(_ name: String) -> Bool {
        pairs.contains { $0.name == name }
    }

    public mutating func append(_ name: String, _ value: String) {
        pairs.append((name, value))
    }

    /// Replaces the first pair named `name` and removes the others, or appends one.
    public mutating func set(_ name: String, _ value: String) {
        guard let first = pairs.firstIndex(where: { $0.name == name }) else {
            pairs.append((name, value))
            return
        }
        pairs[first].value = value
        var index = pairs.index(after: first)
        while index < pairs.endIndex {
            if pairs[index].name == name { pairs.remove(at: index) } else { index += 1 }
        }
    }

    public mutating func delete(_ name: String) {
        pairs.removeAll { $0.name == name }
    }

    public var isEmpty: Bool { pairs.isEmpty }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for pair in pairs {
            hasher.combine(pair.name)
            hasher.combine(pair.value)
        }
    }
}

extension URLSearchParams: Sequence {
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        pairs.makeIterator()
    }
}

extension URLSearchParams: CustomStringConvertible {
    /// The serialized form, without a leading `?`.
    public var description: String {
        pairs.map { PercentDecoding.encodeForm($0.name) + "=" + PercentDecoding.encodeForm($0.value) }
            .joined(separator: "&")
    }
}
