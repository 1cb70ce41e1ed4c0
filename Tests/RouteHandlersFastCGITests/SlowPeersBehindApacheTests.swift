import Foundation
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Conformance issue item 4 as the issue checks it: Apache (mod_proxy_fcgi) streams request bodies to the app
/// and passes back-pressure on, so slow uploaders and clients that never read reach the app as slow FastCGI
/// peers. None of them may hold a thread that other requests need.
@Suite("Slow peers behind Apache", .timeLimit(.minutes(2)))
struct SlowPeersBehindApacheTests {
    /// A TCP connection to 127.0.0.1:`port` that sends `bytes` and then just stays open.
    static func hold(port: Int, sending bytes: [UInt8]) throws -> Int32 {
        let fd = try connectTCP(host: "127.0.0.1", port: port)
        // A small receive buffer: a client that never reads fills it quickly.
        var small: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return fd
    }

    @Test func slowUploadersAndStalledReadersLeaveOthersAnswered() async throws {
        let app = try await SupervisedFixture.start(
            ["--io-threads", "2"], environment: ["ROUTE_HANDLERS_SOCKET_MODE": "0666", "PATH": "/usr/bin:/bin"], nginx: false,
            deployable: false)
        defer { app.stop() }
        // Apache's workers run as nobody: they must reach the socket.
        chmod(app.directory.path, 0o711)
        let apache = try await OtherWebServer.start(.apache, directory: app.directory.path, socket: app.socket)
        defer { apache.stop() }
        #expect(try await apache.request("/api/hello").status == 200)

        let port = apache.port
        var uploaders: [Int32] = []
        var stalled: [Int32] = []
        defer { (uploaders + stalled).forEach { _ = close($0) } }
        for _ in 0..<20 {
            // 10 of 100000 body bytes, then nothing.
            uploaders.append(
                try Self.hold(
                    port: port,
                    sending: Array(
                        "POST /api/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n0123456789"
                            .utf8)))
            // A 4 MiB answer never read.
            stalled.append(try Self.hold(port: port, sending: Array("GET /api/big?mb=4 HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)))
        }
        // Every stalled answer has been built and begun to arrive: from now on its writer can only wait.
        let readers = stalled
        let begun = await eventually(seconds: 60) {
            readers.allSatisfy { fd in
                var pending: Int32 = 0
                return ioctl(fd, UInt(FIONREAD), &pending) == 0 && pending > 0
            }
        }
        #expect(begun)

        var slowest = Duration.zero
        for _ in 0..<5 {
            let started = ContinuousClock.now
            let response = try await apache.request("/api/hello")
            #expect(response.status == 200)
            slowest = max(slowest, ContinuousClock.now - started)
        }
        // Well under half a second on an idle machine (a curl process per request included); generous for a
        // loaded one: with a thread held per slow peer, nothing would be answered at all.
        #expect(slowest < .seconds(3), "slowest: \(slowest)")
    }
}
