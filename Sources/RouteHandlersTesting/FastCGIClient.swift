import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A minimal FastCGI client (the web server's side of the protocol): one request per connection, the
/// parameters and body sent as records, the `STDOUT` records collected until `END_REQUEST`. Its socket calls
/// block, so they run on a thread of their own, never on Swift's cooperative pool.
package struct FastCGIClient: Sendable {
    package let socketPath: String
    /// How long one read or write may block before the request fails.
    package var timeoutSeconds = 60

    package init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// What the server sent for one request.
    package struct Answer: Sendable {
        /// The contents of the `STDOUT` records, in order.
        package var stdout: [[UInt8]]
        /// Whether `END_REQUEST` arrived; `false` when the server closed the connection after some output (a
        /// response cut off, as after a streamed body failed).
        package var complete: Bool
    }

    /// Sends one request and collects its answer.
    package func send(params: [(name: String, value: String)], body: [UInt8]) async throws(TestClientError) -> Answer {
        let client = self
        let result: Result<Answer, TestClientError> = await withUnsafeContinuation { continuation in
            let thread = spawnThread(name: "fcgi-test-client") {
                continuation.resume(returning: Result { () throws(TestClientError) in try client.exchange(params: params, body: body) })
            }
            pthread_detach(thread)
        }
        return try result.get()
    }

    private func exchange(params: [(name: String, value: String)], body: [UInt8]) throws(TestClientError) -> Answer {
        let fd = try connect()
        defer { close(fd) }
        let id: UInt16 = 1
        // BEGIN_REQUEST: the responder role, and no keep-alive flag (the server closes after the request).
        var out = Self.record(type: 1, id: id, content: [0, 1, 0, 0, 0, 0, 0, 0])
        var encoded: [UInt8] = []
        for (name, value) in params {
            Self.appendLength(name.utf8.count, to: &encoded)
            Self.appendLength(value.utf8.count, to: &encoded)
            encoded += Array(name.utf8) + Array(value.utf8)
        }
        for start in stride(from: 0, to: encoded.count, by: 65535) {
            out += Self.record(type: 4, id: id, content: Array(encoded[start..<min(start + 65535, encoded.count)]))
        }
        out += Self.record(type: 4, id: id, content: [])
        try write(fd, out)
        for start in stride(from: 0, to: body.count, by: 65535) {
            try write(fd, Self.record(type: 5, id: id, content: Array(body[start..<min(start + 65535, body.count)])))
        }
        try write(fd, Self.record(type: 5, id: id, content: []))

        var stdout: [[UInt8]] = []
        while true {
            let header: [UInt8]
            do {
                header = try read(fd, count: 8)
            } catch  where error.code == .protocolError && !stdout.isEmpty {
                return Answer(stdout: stdout, complete: false)
            }
            let type = header[1]
            let length = Int(header[4]) << 8 | Int(header[5])
            let content = try read(fd, count: length)
            _ = try read(fd, count: Int(header[6]))  // padding
            switch type {
            case 6 where !content.isEmpty: stdout.append(content)  // STDOUT
            case 3: return Answer(stdout: stdout, complete: true)  // END_REQUEST
            default: continue  // STDERR, the empty end-of-stream records
            }
        }
    }

    static func record(type: UInt8, id: UInt16, content: [UInt8]) -> [UInt8] {
        let padding = (8 - content.count % 8) % 8
        return [1, type, UInt8(id >> 8), UInt8(id & 0xFF), UInt8(content.count >> 8), UInt8(content.count & 0xFF), UInt8(padding), 0]
            + content + [UInt8](repeating: 0, count: padding)
    }

    static func appendLength(_ length: Int, to out: inout [UInt8]) {
        if length < 128 {
            out.append(UInt8(length))
        } else {
            out += [UInt8(0x80 | (length >> 24) & 0x7F), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        }
    }

    // MARK: - Socket

    private func connect() throws(TestClientError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestClientError(.connectionFailed, "socket(): \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw TestClientError(.connectionFailed, "The socket path \(socketPath) is too long.")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
            raw[path.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw TestClientError(.connectionFailed, "Cannot connect to \(socketPath): \(message)")
        }
        return fd
    }

    private func write(_ fd: Int32, _ bytes: [UInt8]) throws(TestClientError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                throw TestClientError(.connectionFailed, "Writing the request failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    private func read(_ fd: Int32, count: Int) throws(TestClientError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let received = buffer[filled...].withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if received < 0, errno == EINTR { continue }
            if received < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                throw TestClientError(.timedOut, "No answer from the server within \(timeoutSeconds) s.")
            }
            guard received > 0 else {
                throw TestClientError(.protocolError, "The server closed the connection before the end of the request.")
            }
            filled += received
        }
        return buffer
    }
}
