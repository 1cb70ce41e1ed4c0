import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Sustained load through nginx: `connections` HTTP/1.1 keep-alive clients, each on a thread of its own, sending
/// GET `path` back to back until `stop()`, and counting every answer. A request fails when its answer is not
/// 200 or its connection breaks after it was sent; a kept-alive connection found closed before the request was
/// sent is reopened, as any HTTP client does.
public final class LoadGenerator: @unchecked Sendable {
    public struct Summary: Sendable, CustomStringConvertible {
        public var statuses: [Int: Int] = [:]
        public var errors: [String] = []
        /// Answers by the `"version"` they name (`/api/version`), "" for other bodies.
        public var versions: [String: Int] = [:]

        public var total: Int { statuses.values.reduce(0, +) + errors.count }
        public var failed: Int { total - (statuses[200] ?? 0) }
        public var description: String {
            "\(total) requests: statuses \(statuses), versions \(versions), \(errors.count) errors \(errors.prefix(5))"
        }
    }

    private let port: Int
    private let path: String
    private let lock = NSLock()
    private var summary = Summary()
    private var stopping = false
    private let finished: DispatchGroup

    public init(port: Int, path: String, connections: Int = 64) {
        self.port = port
        self.path = path
        finished = DispatchGroup()
        for _ in 0..<connections {
            finished.enter()
            Thread.detachNewThread { [self] in
                run()
                finished.leave()
            }
        }
    }

    public var completed: Int { lock.withLock { summary.total } }

    /// Waits until `count` more requests have been answered (or `seconds` pass).
    public func waitFor(requests count: Int, seconds: Double = 60) async -> Bool {
        let target = completed + count
        return await eventually(seconds: seconds) { self.completed >= target }
    }

    /// Stops the clients after their current request and returns what they saw.
    public func stop() async -> Summary {
        lock.withLock { stopping = true }
        let finished = finished
        _ = try? await offload { finished.wait(timeout: .now() + 30) }
        return lock.withLock { summary }
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    private func record(status: Int?, body: [UInt8] = [], error: String? = nil) {
        let text = String(decoding: body, as: UTF8.self)
        let version = text.contains(#""version":"2""#) ? "2" : text.contains(#""version":"1""#) ? "1" : ""
        lock.withLock {
            if let status {
                summary.statuses[status, default: 0] += 1
                summary.versions[version, default: 0] += 1
                if status != 200, summary.errors.count < 20 { summary.errors.append("status \(status): \(text.prefix(200))") }
            } else if let error {
                summary.errors.append(error)
            }
        }
    }

    private func run() {
        var fd: Int32 = -1
        var reused = false
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n".utf8)
        while !isStopping {
            if fd < 0 {
                fd = connectLoopback(port: port)
                reused = false
                if fd < 0 {
                    record(status: nil, error: "connect failed: errno \(errno)")
                    usleep(10_000)
                    continue
                }
            }
            let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == request.count
            let answer = sent ? readResponse(fd) : .closedEarly
            switch answer {
            case .response(let status, let body, let keepAlive):
                record(status: status, body: body)
                reused = true
                if !keepAlive {
                    close(fd)
                    fd = -1
                }
            case .closedEarly where reused:
                close(fd)
                fd = -1  // nginx closed the idle kept-alive connection: reopen and resend
            case .closedEarly, .broken:
                record(status: nil, error: "connection broke: \(answer)")
                close(fd)
                fd = -1
            }
        }
        if fd >= 0 { close(fd) }
    }

    private enum Answer {
        case response(status: Int, body: [UInt8], keepAlive: Bool)
        /// Closed before any byte of the response.
        case closedEarly
        case broken(String)
    }

    private func readResponse(_ fd: Int32) -> Answer {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        func fill() -> Bool {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            buffer += chunk[..<count]
            return true
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            guard fill() else { return buffer.isEmpty ? .closedEarly : .broken("EOF in the head") }
            headerEnd = buffer.firstRange(of: separator)?.upperBound
        }
        guard let headerEnd else { return .broken("no head") }
        let head = String(decoding: buffer[..<headerEnd], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
            let status = Int(statusLine.split(separator: " ")[1])
        else { return .broken("bad status line") }
        let keepAlive = !head.contains("connection: close")
        var body = Array(buffer[headerEnd...])
        if let line = lines.first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        {
            while body.count < length {
                guard fill() else { return .broken("EOF in the body") }
                body = Array(buffer[headerEnd...])
            }
            return .response(status: status, body: Array(body.prefix(length)), keepAlive: keepAlive)
        }
        if head.contains("transfer-encoding: chunked") {
            // Enough for small bodies: read until the last chunk's marker.
            while body.firstRange(of: Array("0\r\n\r\n".utf8)) == nil {
                guard fill() else { return .broken("EOF in a chunked body") }
                body = Array(buffer[headerEnd...])
            }
            return .response(status: status, body: body, keepAlive: keepAlive)
        }
        return .response(status: status, body: body, keepAlive: false)
    }
}

/// A blocking TCP connection to 127.0.0.1:`port` with 20 s send and receive timeouts, or -1.
func connectLoopback(port: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return -1 }
    var timeout = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        return -1
    }
    return fd
}
