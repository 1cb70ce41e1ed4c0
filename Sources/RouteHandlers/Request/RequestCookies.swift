/// The cookies a request carries in its `Cookie` header(s), parsed per RFC 6265 §5.4 (as browsers send them),
/// with the lookups of Next.js's `request.cookies`.
///
/// Values are percent-decoded when they decode to valid UTF-8 (Next.js sets them `encodeURIComponent`-ed, see
/// ``ResponseCookies``), otherwise kept as sent. A value in double quotes loses its quotes. Pairs without `=`
/// and pairs with an empty name are ignored.
public struct RequestCookies: Sendable, Hashable {
    /// A cookie as the client sent it.
    public struct Cookie: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var store = OrderedPairs<String>()

    /// Every cookie, in the order sent; a name may appear more than once (cookies set for different paths).
    public var all: [Cookie] { store.pairs.map { Cookie(name: $0.name, value: $0.value) } }

    /// Parses the values of one or more `Cookie` headers.
    public init(headerValues: some Sequence<String>) {
        for header in headerValues {
            for piece in header.split(separator: ";", omittingEmptySubsequences: true).flatMap(Self.splitJoinedHeaders) {
                guard let equals = piece.firstIndex(of: "=") else { continue }
                let name = piece[..<equals].trimmingWhitespace()
                guard !name.isEmpty else { continue }
                var value = piece[piece.index(after: equals)...].trimmingWhitespace()
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                    value = value.dropFirst().dropLast()
                }
                store.append(String(name), Self.decode(value))
            }
        }
    }

    /// The cookies of a request's `Cookie` header(s).
    public init(headers: Headers) {
        self.init(headerValues: headers.getAll("Cookie"))
    }

    /// The first value sent for `name`.
    public func get(_ name: String) -> String? { store.first(name) }

    /// Every value sent for `name`, in order.
    public func getAll(_ name: String) -> [String] { store.all(name) }

    public func has(_ name: String) -> Bool { store.contains(name) }

    public var count: Int { store.count }
    public var isEmpty: Bool { store.isEmpty }

    /// Apache and Caddy join two `Cookie` headers into one with `", "`; a cookie value cannot hold a comma
    /// (RFC 6265's cookie-octet), so `", "` followed by `name=` starts another cookie.
    static func splitJoinedHeaders(_ piece: Substring) -> [Substring] {
        guard piece.contains(", ") else { return [piece] }
        var pieces: [Substring] = []
        var start = piece.startIndex
        var search = piece.startIndex
        while let range = piece[search...].firstRange(of: ", ") {
            let rest = piece[range.upperBound...]
            if let equals = rest.firstIndex(of: "="), equals > rest.startIndex,
                rest[..<equals].allSatisfy({ $0 != " " && $0 != "," && $0 != "\"" })
            {
                pieces.append(piece[start..<range.lowerBound])
                start = range.upperBound
            }
            search = range.upperBound
        }
        pieces.append(piece[start...])
        return pieces
    }

    /// `decodeURIComponent` that falls back to the raw value, as Next.js does.
    static func decode(_ value: Substring) -> String {
        guard value.utf8.contains(UInt8(ascii: "%")) else { return String(value) }
        guard let decoded = try? PercentDecoding.decodeStrictBytes(value),
            let text = String(validating: decoded, as: UTF8.self)
        else { return String(value) }
        return text
    }
}

extension RequestCookies: Sequence {
    public func makeIterator() -> IndexingIterator<[Cookie]> {
        all.makeIterator()
    }
}

extension Request {
    /// The request's cookies (from its `Cookie` header).
    public var cookies: RequestCookies {
        RequestCookies(headers: headers)
    }
}
