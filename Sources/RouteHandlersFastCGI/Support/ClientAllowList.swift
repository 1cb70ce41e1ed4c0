#if canImport(Glibc)
import Glibc
#endif

/// The peers allowed to connect to a TCP listener (`--allowed-clients`, `FCGI_WEB_SERVER_ADDRS`, PHP-FPM's
/// `listen.allowed_clients`). FastCGI has no authentication: on a TCP socket this list is the lock.
///
/// Entries are IPv4 or IPv6 addresses or CIDR ranges (`10.0.0.5`, `10.0.0.0/8`, `::1`, `fd00::/8`). Addresses are
/// compared as numbers in one IPv6 space, IPv4 mapped into `::ffff:0:0/96`, so an IPv4 peer that reaches a
/// dual-stack socket as `::ffff:10.0.0.1` matches the entry `10.0.0.1`.
struct ClientAllowList: Sendable, Equatable {
    /// An address range: the address in IPv6 form and how many leading bits must match.
    struct Range: Sendable, Equatable {
        var address: UInt128
        var prefixLength: Int

        func contains(_ peer: UInt128) -> Bool {
            let mask: UInt128 = prefixLength == 0 ? 0 : ~0 << (128 - prefixLength)
            return peer & mask == address & mask
        }
    }

    let ranges: [Range]
    /// The entries as written, for log lines.
    let entries: [String]

    /// Parses a comma-separated list; empty entries (a trailing comma) are skipped. `nil` when the list names no
    /// address: every peer is allowed, as libfcgi does with an empty `FCGI_WEB_SERVER_ADDRS`.
    /// - Throws: ``ServerError`` naming `option` and the first entry that is not an address or range.
    init?(parsing list: String, option: String = "--allowed-clients") throws(ServerError) {
        try self.init(list.split(separator: ",").map(String.init), option: option)
    }

    /// The list of `entries`, each trimmed; `nil` when none names an address.
    init?(_ entries: [String], option: String = "--allowed-clients") throws(ServerError) {
        let entries = entries.map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty }
        guard !entries.isEmpty else { return nil }
        var ranges: [Range] = []
        for entry in entries {
            guard let range = Self.range(entry) else {
                throw ServerError(
                    .invalidOption,
                    "Invalid entry \"\(entry)\" in \(option): expected an IPv4 or IPv6 address or a CIDR range such as 10.0.0.0/8 or fd00::/8."
                )
            }
            ranges.append(range)
        }
        self.ranges = ranges
        self.entries = entries
    }

    func allows(_ peer: UInt128) -> Bool {
        ranges.contains { $0.contains(peer) }
    }

    /// Whether the peer in `address` (as `accept` filled it) is allowed; a peer of another family is not.
    func allows(_ address: sockaddr_storage) -> Bool {
        Self.number(address).map(allows) ?? false
    }

    /// `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`, `::ffff:10.0.0.0/104`.
    static func range(_ entry: String) -> Range? {
        let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let host = String(parts[0])
        var prefix: Int?
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let bits = Int(parts[1]) else { return nil }
            prefix = bits
        }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            let bits = prefix ?? 32
            guard (0...32).contains(bits) else { return nil }
            return Range(address: mapped(v4), prefixLength: 96 + bits)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let bits = prefix ?? 128
            guard (0...128).contains(bits) else { return nil }
            return Range(address: number(v6), prefixLength: bits)
        }
        return nil
    }

    /// The peer's address as a number in the IPv6 space; `nil` for a family that has no address (a unix socket).
    static func number(_ storage: sockaddr_storage) -> UInt128? {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { mapped($0.pointee.sin_addr) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { number($0.pointee.sin6_addr) }
            }
        default:
            return nil
        }
    }

    private static func mapped(_ address: in_addr) -> UInt128 {
        0xFFFF << 32 | UInt128(UInt32(bigEndian: address.s_addr))
    }

    private static func number(_ address: in6_addr) -> UInt128 {
        withUnsafeBytes(of: address) { bytes in bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) } }
    }
}

/// The text form of a peer's address, IPv4-mapped IPv6 peers as IPv4 (`10.0.0.1`, not `::ffff:10.0.0.1`).
func addressText(_ storage: sockaddr_storage) -> String? {
    guard let number = ClientAllowList.number(storage) else { return nil }
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    if number >> 32 == 0xFFFF {
        var v4 = in_addr(s_addr: UInt32(truncatingIfNeeded: number).bigEndian)
        _ = inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count))
    } else {
        var v6 = in6_addr()
        withUnsafeMutableBytes(of: &v6) { bytes in
            for index in 0..<16 { bytes[index] = UInt8(truncatingIfNeeded: number >> (8 * (15 - index))) }
        }
        _ = inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count))
    }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The connected peer's address (`getpeername`), IPv4-mapped peers as IPv4; `nil` over a unix socket.
func peerAddress(_ fd: Int32) -> String? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let result = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
    }
    return result == 0 ? addressText(storage) : nil
}
