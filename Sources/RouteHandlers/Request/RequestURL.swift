/// The absolute URL of a request, rebuilt from what the web server passed on, with the WHATWG `URL` properties
/// a route handler reads.
public struct RequestURL: Sendable, Hashable {
    /// `http` or `https`.
    public var scheme: String
    /// The host name, without port. IPv6 literals keep their brackets.
    public var hostname: String
    /// The port, or `nil` when it is the scheme's default.
    public var port: Int?
    /// The path as it was sent, percent-encoded, with dot segments resolved (WHATWG `pathname`).
    public var pathname: String
    /// The query without its `?` (empty when there was none).
    public var rawQuery: String
    /// The query, parsed.
    public var searchParams: URLSearchParams

    public init(scheme: String = "http", hostname: String = "localhost", port: Int? = nil, pathname: String, rawQuery: String = "") {
        self.scheme = scheme
        self.hostname = hostname
        self.port = port == Self.defaultPort(for: scheme) ? nil : port
        self.pathname = pathname.isEmpty ? "/" : pathname
        self.rawQuery = rawQuery
        self.searchParams = URLSearchParams(rawQuery)
    }

    /// Parses a request target such as `/a/b?x=1` against a scheme and host.
    public init(scheme: String = "http", hostname: String = "localhost", port: Int? = nil, target: String) {
        let path: Substring
        let query: Substring
        if let mark = target.firstIndex(of: "?") {
            path = target[..<mark]
            query = target[target.index(after: mark)...]
        } else {
            path = Substring(target)
            query = ""
        }
        self.init(scheme: scheme, hostname: hostname, port: port, pathname: RequestPath.removingDotSegments(path), rawQuery: String(query))
    }

    /// `hostname[:port]`.
    public var host: String {
        port.map { "\(hostname):\($0)" } ?? hostname
    }

    /// `scheme://host`.
    public var origin: String {
        "\(scheme)://\(host)"
    }

    /// `?query`, or empty.
    public var search: String {
        rawQuery.isEmpty ? "" : "?" + rawQuery
    }

    /// The whole URL.
    public var href: String {
        origin + pathname + search
    }

    static func defaultPort(for scheme: String) -> Int? {
        switch scheme {
        case "http": 80
        case "https": 443
        default: nil
        }
    }
}

extension RequestURL: CustomStringConvertible {
    public var description: String { href }
}
