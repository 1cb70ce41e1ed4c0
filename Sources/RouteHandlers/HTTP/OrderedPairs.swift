/// Name-value pairs kept in the order they came, a name possibly repeated: the one store under
/// ``URLSearchParams``, ``FormData`` and ``RequestCookies``, with the Web's lookups (`get` is the first value,
/// `getAll` every value in order).
package struct OrderedPairs<Value: Sendable & Hashable>: Sendable, Hashable {
    package var pairs: [(name: String, value: Value)]

    package init(_ pairs: [(name: String, value: Value)] = []) {
        self.pairs = pairs
    }

    /// The first value for `name`.
    package func first(_ name: String) -> Value? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value for `name`, in order.
    package func all(_ name: String) -> [Value] {
        pairs.compactMap { $0.name == name ? $0.value : nil }
    }

    package func contains(_ name: String) -> Bool {
        pairs.contains { $0.name == name }
    }

    package mutating func append(_ name: String, _ value: Value) {
        pairs.append((name, value))
    }

    /// Replaces the first pair named `name` and removes the others, or appends one.
    package mutating func set(_ name: String, _ value: Value) {
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

    package mutating func remove(_ name: String) {
        pairs.removeAll { $0.name == name }
    }

    package var count: Int { pairs.count }
    package var isEmpty: Bool { pairs.isEmpty }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(pairs.count)
        for pair in pairs {
            hasher.combine(pair.name)
            hasher.combine(pair.value)
        }
    }
}
