import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// Refreshes nginx's cached answers for `revalidatePath(_:)` and `revalidateTag(_:)`: for each path it sends
/// nginx a GET and a HEAD (cached apart: the cache key holds the method) carrying `X-Route-Handlers-Revalidate: 1`, which the generated include's cached locations take as
/// `fastcgi_cache_bypass`: nginx fetches a fresh answer from the app (any worker, any host) and stores it in place
/// of the old one. nginx open source has no purge; a refresh needs none, and the entry is never missing meanwhile.
///
/// The header lets a client skip the cache, as a query string of its own would anyway; it never serves anyone a
/// stored answer they could not have had, and personal answers are never stored (see `revalidate`).
///
/// `ROUTE_HANDLERS_REVALIDATE_VIA=127.0.0.1:8080` (where nginx listens, as the app's host reaches it: `HOST:PORT`
/// or a unix socket path) makes ``Application`` use one.
public struct NginxCacheRevalidator: CacheRevalidator {
    /// Where nginx listens.
    public var address: ListenAddress
    /// How long one refresh may take before it is given up (and logged).
    public var timeout: Duration

    public init(address: ListenAddress, timeout: Duration = .seconds(5)) {
        self.address = address
        self.timeout = timeout
    }

    public func revalidate(paths: [String], host: String?, logger: Logger) async {
        await withTaskGroup(of: Void.self) { group in
            for path in paths {
                for method in ["GET", "HEAD"] {
                    group.addTask {
                        if let problem = await refresh(path, host: host, method: method) {
                            logger.warning("Could not refresh nginx's cached \(method) \(path) through \(address): \(problem)")
                        }
                    }
                }
            }
        }
    }

    /// Refreshes one path on a thread of its own (blocking socket calls stay off Swift's pool); a problem, or `nil`.
    func refresh(_ path: String, host: String?, method: String = "GET") async -> String? {
        guard path.hasPrefix("/"), !path.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            return "not a path to request (it must start with / and hold no spaces or control characters)"
        }
        let host = host.flatMap { $0.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) ? nil : $0 } ?? "localhost"
        let request =
            "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nX-Route-Handlers-Revalidate: 1\r\nUser-Agent: route-handlers\r\nConnection: close\r\n\r\n"
        let (address, timeout) = (address, timeout)
        return await withCheckedContinuation { continuation in
            _ = spawnThread(name: "fcgi-revalidate") {
                continuation.resume(returning: Self.exchange(Array(request.utf8), with: address, timeout: timeout))
            }
        }
    }

    /// Sends `request`, reads the answer to its end; a problem, or `nil` for a 2xx.
    static func exchange(_ request: [UInt8], with address: ListenAddress, timeout: Duration) -> String? {
        guard let fd = connected(to: address) else { return "cannot connect: \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return "cannot send: \(String(cString: strerror(errno)))" }
            sent += count
        }
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { return "no complete answer: \(String(cString: strerror(errno)))" }
            if head.count < 64 { head += buffer[..<min(count, 64)] }
        }
        // "HTTP/1.1 200 OK"
        let status = String(decoding: head, as: UTF8.self).split(separator: " ").dropFirst().first.flatMap { Int($0) }
        guard let status else { return "no HTTP answer" }
        return (200..<300).contains(status) ? nil : "answered \(status)"
    }

    private static func connected(to address: ListenAddress) -> Int32? {
        switch address {
        case .unix(let path):
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return nil }
            var socketAddress = sockaddr_un()
            socketAddress.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: socketAddress.sun_path) else {
                close(fd)
                return nil
            }
            withUnsafeMutableBytes(of: &socketAddress.sun_path) { raw in
                for (index, byte) in bytes.enumerated() { raw[index] = byte }
            }
            let result = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard result == 0 else {
                close(fd)
                return nil
            }
            return fd
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_flags = AI_NUMERICSERV
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else { return nil }
            defer { freeaddrinfo(result) }
            let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return nil }
            guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
                close(fd)
                return nil
            }
            return fd
        case .inherited:
            return nil
        }
    }
}
