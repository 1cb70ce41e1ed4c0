/// The values a request's path gave a route's dynamic segments, by name.
///
/// `params.id` reads a `[id]` segment; a catch-all's segments are read with ``segments(_:)``. A name that is not a
/// Swift identifier, such as `user-id`, reads as a raw identifier (the name in backticks after `params.`), or with
/// ``get(_:)``. An optional catch-all
/// that matched no segment has no entry, so it reads as `nil`, as in Next.js.
@dynamicMemberLookup
public struct RouteParameters: Sendable, Hashable {
    /// What one dynamic segment matched.
    public enum Value: Sendable, Hashable {
        /// A `[name]` segment, percent-decoded.
        case segment(String)
        /// A `[...name]` or `[[...name]]` catch-all: the segments it covered (at least one), each percent-decoded.
        case segments([String])
    }

    public struct Entry: Sendable, Hashable {
        public var name: String
        public var value: Value
    }

    /// The parameters in path order.
    public private(set) var entries: [Entry]

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    public init(_ pairs: KeyValuePairs<String, Value>) {
        self.entries = pairs.map { Entry(name: $0.key, value: $0.value) }
    }

    /// The value of a `[name]` segment; for a catch-all, its segments joined with `/`.
    public func get(_ name: String) -> String? {
        guard let value = entries.first(where: { $0.name == name })?.value else { return nil }
        switch value {
        case .segment(let text): return text
        case .segments(let parts): return parts.joined(separator: "/")
        }
    }

    /// The segments of a catch-all; a `[name]` segment as a one-element array; `nil` for an optional catch-all
    /// that matched nothing.
    public func segments(_ name: String) -> [String]? {
        guard let value = entries.first(where: { $0.name == name })?.value else { return nil }
        switch value {
        case .segment(let text): return [text]
        case .segments(let parts): return parts
        }
    }

    public subscript(dynamicMember name: String) -> String? {
        self.get(name)
    }

    public var isEmpty: Bool { entries.isEmpty }

    mutating func append(_ name: String, _ value: Value) {
        entries.append(Entry(name: name, value: value))
    }

    mutating func removeLast() {
        entries.removeLast()
    }
}
