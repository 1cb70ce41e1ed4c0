import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// FastCGI records built by hand, for sending what no web server would (and what they all do) to a socket.
public enum FCGI {
    public static let beginRequest: UInt8 = 1, abortRequest: UInt8 = 2, endRequest: UInt8 = 3, params: UInt8 = 4
    public static let stdin: UInt8 = 5, stdout: UInt8 = 6, stderr: UInt8 = 7, data: UInt8 = 8, getValues: UInt8 = 9
    public static let getValuesResult: UInt8 = 10, unknownType: UInt8 = 11
    public static let responder: UInt16 = 1, authorizer: UInt16 = 2, filter: UInt16 = 3

    public static func record(_ type: UInt8, id: UInt16, _ content: [UInt8] = [], padding: Int = 0, version: UInt8 = 1) -> [UInt8] {
        precondition(content.count <= 65535 && padding <= 255)
        var bytes: [UInt8] = [
            version, type, UInt8(id >> 8), UInt8(id & 0xFF),
            UInt8(content.count >> 8), UInt8(content.count & 0xFF), UInt8(padding), 0,
        ]
        bytes += content
        bytes += [UInt8](repeating: 0, count: padding)
        return bytes
    }

    public static func begin(id: UInt16 = 1, role: UInt16 = responder, keepConnection: Bool = false) -> [UInt8] {
        record(beginRequest, id: id, [UInt8(role >> 8), UInt8(role & 0xFF), keepConnection ? 1 : 0, 0, 0, 0, 0, 0])
    }

    public static func length(_ count: Int) -> [UInt8] {
        count < 128
            ? [UInt8(count)]
            : [UInt8((count >> 24) & 0x7F) | 0x80, UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
    }

    /// The name-value encoding of `pairs`.
    public static func pairs(_ pairs: [(String, String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (name, value) in pairs {
            bytes += length(name.utf8.count) + length(value.utf8.count) + Array(name.utf8) + Array(value.utf8)
        }
        return bytes
    }

    /// `stream` (PARAMS, STDIN) as records of at most 65535 bytes of content, then the empty record that ends it.
    public static func stream(_ type: UInt8, id: UInt16 = 1, _ content: [UInt8], chunk: Int = 65535) -> [UInt8] {
        var bytes: [UInt8] = []
        var offset = 0
        while offset < content.count {
            let end = min(content.count, offset + chunk)
            bytes += record(type, id: id, Array(content[offset..<end]))
            offset = end
        }
        return bytes + record(type, id: id)
    }

    /// The parameters nginx sends for a GET of `target`.
    public static func nginxParams(_ method: String = "GET", _ target: String) -> [(String, String)] {
        let path = String(target.prefix { $0 != "?" })
        let query = target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? ""
        return [
            ("REQUEST_METHOD", method), ("REQUEST_URI", target), ("DOCUMENT_URI", path), ("QUERY_STRING", query),
            ("SERVER_NAME", "localhost"), ("SERVER_PORT", "80"), ("REQUEST_SCHEME", "http"),
            ("GATEWAY_INTERFACE", "CGI/1.1"), ("SERVER_PROTOCOL", "HTTP/1.1"), ("REMOTE_ADDR", "127.0.0.1"),
            ("HTTP_HOST", "localhost"),
        ]
    }

    /// A whole request as nginx writes it.
    public static func request(
        id: UInt16 = 1, _ method: String = "GET", _ target: String, keepConnection: Bool = false,
        extra: [(String, String)] = [], body: [UInt8] = []
    ) -> [UInt8] {
        var params = nginxParams(method, target) + extra
        if !body.isEmpty { params.append(("CONTENT_LENGTH", String(body.count))) }
        return begin(id: id, keepConnection: keepConnection) + stream(FCGI.params, id: id, pairs(params)) + stream(FCGI.stdin, id: id, body)
    }
}

/// A record received from the application.
public struct ReceivedRecord: Equatable, Sendable {
    public var type: UInt8
    public var id: UInt16
    public var content: [UInt8]

    public init(type: UInt8, id: UInt16, content: [UInt8]) {
        self.type = type
        self.id = id
        self.content = content
    }

    /// `protocolStatus` of an END_REQUEST.
    public var protocolStatus: UInt8? { type == FCGI.endRequest && content.count >= 5 ? content[4] : nil }
}

/// One FastCGI connection driven by hand. Blocking: use it from `offload`, from one thread at a time.
public final class RawFastCGIConnection: @unchecked Sendable {
    private(set) var fd: Int32
    private var buffer: [UInt8] = []
    private(set) var closedByPeer = false

    public init(unixPath: String) throws {
        fd = try connectUnix(unixPath)
    }

    /// Over TCP to `host`:`port`, from the local address `source` when given.
    public init(host: String, port: Int, from source: String? = nil) throws {
        fd = try connectTCP(host: host, port: port, from: source)
    }

    deinit { close() }

    /// Closes the descriptor once (a second close could hit a descriptor another test has opened since).
    public func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// Writes all of `bytes`; `false` when the peer has closed the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    public func shutdownWrite() {
        Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// The next record, or nil when the connection closed or `seconds` passed.
    public func readRecord(seconds: Double = 5) -> ReceivedRecord? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if buffer.count >= 8 {
                let length = Int(buffer[4]) << 8 | Int(buffer[5])
                let total = 8 + length + Int(buffer[6])
                if buffer.count >= total {
                    let record = ReceivedRecord(
                        type: buffer[1], id: UInt16(buffer[2]) << 8 | UInt16(buffer[3]), content: Array(buffer[8..<8 + length]))
                    buffer.removeFirst(total)
                    return record
                }
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, !closedByPeer else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(remaining, 1) * 1000)) >= 0 else { return nil }
            guard poller.revents != 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
            if count <= 0 {
                closedByPeer = true
            } else {
                buffer += chunk[0..<count]
            }
        }
    }

    /// Whether the application closes the connection within `seconds` (reading and dropping what it sends).
    public func closesWithin(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if readRecord(seconds: deadline.timeIntervalSinceNow) == nil, closedByPeer { return true }
        }
        return closedByPeer
    }

    /// Reads records until END_REQUEST for `id`; returns the stdout received and the END_REQUEST's protocol status.
    public func readResponse(id: UInt16 = 1, seconds: Double = 10) -> (stdout: [UInt8], protocolStatus: UInt8, others: [ReceivedRecord])? {
        var stdout: [UInt8] = []
        var others: [ReceivedRecord] = []
        let deadline = Date().addingTimeInterval(seconds)
        while let record = readRecord(seconds: max(0, deadline.timeIntervalSinceNow)) {
            if record.id == id, record.type == FCGI.stdout {
                stdout += record.content
            } else if record.id == id, record.type == FCGI.endRequest {
                return (stdout, record.protocolStatus ?? 255, others)
            } else {
                others.append(record)
            }
        }
        return nil
    }

    /// Sends a request and reads its response.
    public func exchange(_ request: [UInt8], id: UInt16 = 1, seconds: Double = 10) throws -> ReceivedResponse {
        guard send(request) else { throw HarnessError("the application closed the connection") }
        guard let response = readResponse(id: id, seconds: seconds) else { throw HarnessError("no END_REQUEST for request \(id)") }
        return try ReceivedResponse.parse(response.stdout)
    }
}
