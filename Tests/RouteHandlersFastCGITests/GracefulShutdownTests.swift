import Foundation
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Graceful shutdown at the socket: a request that has already arrived on an idle kept-alive connection is served,
/// an idle connection with nothing pending is closed, a request in flight finishes.
@Suite("FastCGI graceful shutdown with requests already arrived", .timeLimit(.minutes(2)))
struct GracefulShutdownTests {
    @Test func aRequestWaitingOnAnIdleConnectionIsServedThenTheConnectionCloses() async throws {
        let fixture = try await SupervisedFixture.start(nginx: false, deployable: false)
        defer { fixture.stop() }
        let (app, socket) = (fixture.app, fixture.socket)

        let pending = try RawFastCGIConnection(unixPath: socket)
        let empty = try RawFastCGIConnection(unixPath: socket)
        let busy = try RawFastCGIConnection(unixPath: socket)
        defer { [pending, empty, busy].forEach { $0.close() } }
        try await offload {
            // Both kept-alive connections have served a request and are idle.
            for connection in [pending, empty] {
                guard try connection.exchange(FCGI.request("GET", "/api/hello", keepConnection: true)).status == 200 else {
                    throw HarnessError("not served")
                }
            }
            busy.send(FCGI.request("GET", "/api/sleep?ms=800", keepConnection: true))
            usleep(100_000)
        }
        // Frozen, the app cannot read what arrives next: the request is in its socket when the shutdown begins.
        app.send(SIGSTOP)
        pending.send(FCGI.request("GET", "/api/request", keepConnection: true))
        app.send(SIGTERM)
        app.send(SIGCONT)

        try await offload {
            let served = try #require(pending.readResponse(seconds: 10))
            #expect(try ReceivedResponse.parse(served.stdout).status == 200)
            #expect(pending.closesWithin(seconds: 10))
            #expect(empty.closesWithin(seconds: 10))
            let finished = try #require(busy.readResponse(seconds: 10))
            #expect(try ReceivedResponse.parse(finished.stdout).text.contains("800ms"))
        }
        #expect(await app.exitStatus(within: 10) == 0)
    }
}
