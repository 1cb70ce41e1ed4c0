import Foundation
import RouteHandlers
import RouteHandlersTestHarness
@testable import RouteHandlersTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The live test client's FastCGI side against a scripted peer: what it sends, and how it reads what comes back.
@Suite("FastCGI test client", .timeLimit(.minutes(1)))
struct FastCGIClientTests {
    /// Listens on `path`, accepts one connection, reads until the empty STDIN record, writes `reply`, closes.
    /// Returns what it read.
    static func serveOnce(_ path: String, reply: [UInt8]) throws -> Task<[UInt8], Never> {
        let listener = try bindUnix(SOCK_STREAM, path: path)
        guard listen(listener, 1) == 0 else {
            close(listener)
            throw CocoaError(.fileWriteUnknown)
        }
        return Task.detached {
            let fd = accept(listener, nil, nil)
            close(listener)
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            // The request ends with an empty STDIN record: 01 05 00 01 00 00 00 00.
            while !received.ends(with: [1, 5, 0, 1, 0, 0, 0, 0]) {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                received += buffer[..<count]
            }
            _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(fd)
            return received
        }
    }

    @Test func sendsTheRecordsNginxSendsAndReadsTheResponse() async throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("peer.sock")
        let stdout = Array("Content-Type: text/plain\r\nStatus: 201 Created\r\n\r\nhello".utf8)
        let reply =
            FastCGIClient.record(type: 6, id: 1, content: stdout) + FastCGIClient.record(type: 6, id: 1, content: [])
            + FastCGIClient.record(type: 3, id: 1, content: [0, 0, 0, 0, 0, 0, 0, 0])
        let peer = try Self.serveOnce(socket, reply: reply)
        var request = Request(
            method: .post, "/api/items?x=1", headers: ["Content-Type": "text/plain", "X-Long": String(repeating: "a", count: 300)],
            body: "ping")
        request.remoteAddress = "127.0.0.1"
        let client = FastCGIClient(socketPath: socket)
        let answer = try await client.send(params: LiveTransport.cgiParams(for: request), body: request.body.bytes)
        #expect(answer.complete)
        let response = try CGIResponseParser.parse(answer.stdout, method: .post)
        #expect(response.status.code == 201)
        #expect(response.headers.get("Content-Type") == "text/plain")
        #expect(response.text == "hello")

        let sent = await peer.value
        #expect(Array(sent.prefix(8)) == [1, 1, 0, 1, 0, 8, 0, 0])  // BEGIN_REQUEST, id 1, 8 bytes
        let text = String(decoding: sent, as: UTF8.self)
        for expected in [
            "REQUEST_METHODPOST", "REQUEST_URI/api/items?x=1", "QUERY_STRINGx=1", "CONTENT_TYPEtext/plain", "CONTENT_LENGTH4", "ping",
        ] {
            #expect(text.contains(expected), "\(expected) not sent")
        }
        // A value of 128 bytes or more has a four-byte length with the high bit set.
        #expect(sent.contains(0x80) && text.contains("HTTP_X_LONG" + String(repeating: "a", count: 300)))
    }

    @Test func reportsAConnectionClosedWithoutEndRequestAsIncomplete() async throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("peer.sock")
        let stdout = Array("Status: 200 OK\r\nX-Accel-Buffering: no\r\n\r\npart".utf8)
        let peer = try Self.serveOnce(socket, reply: FastCGIClient.record(type: 6, id: 1, content: stdout))
        let answer = try await FastCGIClient(socketPath: socket).send(params: [("REQUEST_METHOD", "GET")], body: [])
        _ = await peer.value
        #expect(!answer.complete)
        #expect(try CGIResponseParser.parse(answer.stdout, method: .get).text == "part")
    }

    @Test func failsClearlyWithoutAServer() async throws {
        let directory = try TemporaryDirectory()
        await #expect(throws: TestClientError.self) {
            _ = try await FastCGIClient(socketPath: directory.file("nobody.sock")).send(params: [], body: [])
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
