/// The proxies in front of the app whose forwarding header is believed when working out ``Request/ip``.
///
/// nginx's `REMOTE_ADDR` is the client when nginx faces the internet; behind a load balancer it is the load
/// balancer. Naming the load balancer's addresses here makes ``Request/ip`` walk its `X-Forwarded-For` from the
/// right, skipping trusted hops, to the first address nobody trusted added: the client. An untrusted peer's
/// forwarding headers are ignored, so a client cannot choose its own `ip`.
public struct TrustedProxies: Sendable, Hashable {
    /// Which header the trusted proxies write.
    public struct Header: Sendable, Hashable {
        let name: String
        /// `X-Forwarded-For: client, proxy1, proxy2` (the default).
        public static let xForwardedFor = Header(name: "X-Forwarded-For")
        /// RFC 7239 `Forwarded: for=client, for="[2001:db8::1]:4711"`.
        public static let forwarded = Header(name: "Forwarded")
    }

    /// A list entry that is not an address or range.
    public struct InvalidEntry: Error, Sendable, CustomStringConvertible {
        public var entry: String
        public var description: String {
            "Invalid trusted proxy \(entry.debugDescription): expected an IP address, a CIDR range, \"loopback\", \"private\" or \"unix\"."
        }
    }

    public var ranges: [IPRange]
    /// Whether a peer on a unix socket (nginx's `REMOTE_ADDR` `unix:`) is trusted.
    public var trustsUnixSockets: Bool
    public var header: Header

    /// Trusts nobody: ``Request/ip`` is `REMOTE_ADDR`.
    public static let none = TrustedProxies(ranges: [], trustsUnixSockets: false, header: .xForwardedFor)

    public init(ranges: [IPRange], trustsUnixSockets: Bool = false, header: Header = .xForwardedFor) {
        self.ranges = ranges
        self.trustsUnixSockets = trustsUnixSockets
        self.header = header
    }

    /// Parses entries such as `10.0.0.0/8`, `192.0.2.7`, `::1`, or the shorthands `loopback`, `private`
    /// (RFC 1918 and IPv6 unique local) and `unix`.
    public init(_ entries: [String], header: Header = .xForwardedFor) throws(InvalidEntry) {
        var ranges: [IPRange] = []
        var unix = false
        for raw in entries {
            let entry = String(raw.trimmingWhitespace())
            switch entry.lowercased() {
            case "": continue
            case "loopback": ranges += Self.parsed(["127.0.0.0/8", "::1"])
            case "private": ranges += Self.parsed(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"])
            case "unix": unix = true
            default:
                guard let range = IPRange(entry) else { throw InvalidEntry(entry: entry) }
                ranges.append(range)
            }
        }
        self.init(ranges: ranges, trustsUnixSockets: unix, header: header)
    }

    /// Parses a comma-separated list (as in an environment variable).
    public init(list: String, header: Header = .xForwardedFor) throws(InvalidEntry) {
        try self.init(list.split(separator: ",").map(String.init), header: header)
    }

    private static func parsed(_ entries: [String]) -> [IPRange] {
        entries.compactMap(IPRange.init)
    }

    /// Whether `address` (as a web server or forwarding header spells it) is a trusted proxy.
    public func trusts(_ address: String) -> Bool {
        if address.hasPrefix("unix:") { return trustsUnixSockets }
        guard let parsed = IPAddress(address) else { return false }
        return ranges.contains { $0.contains(parsed) }
    }

    /// The client address: `remoteAddress` unless it is trusted, then the forwarding header walked from the
    /// right past trusted hops. A malformed hop stops the walk at the trusted hop that passed it on.
    public func clientAddress(remoteAddress: String?, headers: Headers) -> String? {
        guard let remoteAddress, trusts(remoteAddress) else { return remoteAddress }
        let hops =
            header == .forwarded ? Self.forwardedFor(headers.getAll("Forwarded")) : Self.xForwardedFor(headers.getAll("X-Forwarded-For"))
        var client = remoteAddress
        for hop in hops.reversed() {
            guard IPAddress(hop) != nil else { return client }
            client = hop
            if !trusts(hop) { return hop }
        }
        return client
    }

    static func xForwardedFor(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { strippingPort(String($0.trimmingWhitespace())) }
    }

    /// The `for=` of each element of `Forwarded` headers, unquoted, without brackets or port.
    static func forwardedFor(_ values: [String]) -> [String] {
        var hops: [String] = []
        for element in values.flatMap({ $0.split(separator: ",") }) {
            for pair in element.split(separator: ";") {
                let trimmed = pair.trimmingWhitespace()
                guard trimmed.lowercased().hasPrefix("for=") else { continue }
                var value = trimmed.dropFirst(4)
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
                hops.append(strippingPort(String(value)))
            }
        }
        return hops
    }

    /// `[v6]:port` → `v6`, `v4:port` → `v4`; a bare IPv6 address is left alone.
    static func strippingPort(_ text: String) -> String {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            return String(text[..<colon])
        }
        return text
    }
}

extension Request {
    /// The client's IP address: `REMOTE_ADDR`, or, when that is one of the trusted proxies (`RouteResponder.Configuration.trustedProxies`), the address
    /// they forwarded (see ``TrustedProxies``). `nil` when the gateway did not know the peer.
    public var ip: String? {
        trustedProxies.clientAddress(remoteAddress: remoteAddress, headers: headers)
    }
}
