import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a raw HTTP client read, with when it read it: to tell a body that streamed from one that arrived at once.
public struct TimedResponse: Sendable {
    /// Each read from the socket: seconds since the request was sent, and the bytes.
    public var reads: [(elapsed: Double, bytes: [UInt8])]

    public var raw: [UInt8] { reads.flatMap(\.bytes) }

    /// Seconds after the request when `marker` had arrived, or nil if it never did.
    public func arrival(of marker: String) -> Double? {
        var received: [UInt8] = []
        for read in reads {
            received += read.bytes
            if String(decoding: received, as: UTF8.self).contains(marker) { return read.elapsed }
        }
        return nil
    }

    /// When the connection was closed (the response ended).
    public var end: Double { reads.last?.elapsed ?? 0 }

    public func response() throws -> ReceivedResponse { try ReceivedResponse.parse(raw) }
}

/// An HTTP/1.0 GET over a plain socket (so nginx sends the body as is, not chunked, and closes at its end),
/// timing each read. Runs on a thread of its own.
public func timedGet(port: Int, path: String, headers: [String] = [], seconds: Double = 10) async throws -> TimedResponse {
    try await offload {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to port \(port) failed") }
        let request = Array((["GET \(path) HTTP/1.0", "Host: 127.0.0.1:\(port)"] + headers + ["", ""]).joined(separator: "\r\n").utf8)
        let start = Date()
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw HarnessError("send failed")
        }
        var reads: [(Double, [UInt8])] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let remaining = seconds - Date().timeIntervalSince(start)
            guard remaining > 0 else { throw HarnessError("no end of response within \(seconds) s") }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, Int32(min(remaining, 1) * 1000)) >= 0 || errno == EINTR else { throw HarnessError("poll failed") }
            guard entry.revents != 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            reads.append((Date().timeIntervalSince(start), Array(buffer[..<count])))
        }
        return TimedResponse(reads: reads)
    }
}
