/// Query parameters with WHATWG `URLSearchParams` semantics: `+` is a space, percent escapes are decoded,
/// a malformed escape is kept literally, repeated keys are kept in order.
public struct URLSearchParams: Sendable, Hashable {
    private var store = OrderedPairs<String>()

    /// The name/value pairs in the order they appeared.
    public var pairs: [(name: String, value: String)] { store.pairs }

    public init() {}

    /// Parses an `application/x-www-form-urlencoded` string; a leading `?` is ignored.
    public init(_ query: some StringProtocol) {
        var query = Substring(query)
        if query.first == "?" { query = query.dropFirst() }
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
            store.append(PercentDecoding.decodeLenient(name, plusIsSpace: true), PercentDecoding.decodeLenient(value, plusIsSpace: true))
        }
    }

    public init(_ pairs: [(String, String)]) {
        store = OrderedPairs(pairs.map { (name: $0.0, value: $0.1) })
    }

    /// The first value for `name`.
    public func get(_ name: String) -> String? { store.first(name) }

    /// Every value for `name`, in order.
    public func getAll(_ name: String) -> [String] { store.all(name) }

    public func has(_ name: String) -> Bool { store.contains(name) }

    public mutating func append(_ name: String, _ value: String) { store.append(name, value) }

    /// Replaces the first pair named `name` and removes the others, or appends one.
    public mutating func set(_ name: String, _ value: String) { store.set(name, value) }

    public mutating func delete(_ name: String) { store.remove(name) }

    public var isEmpty: Bool { store.isEmpty }
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
