import Foundation
import FixtureRoutes
import RouteHandlers
@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Testing

/// after(): the client has the whole response before the after-work ends, through nginx and in CGI mode, and a
/// graceful shutdown waits for it.
@Suite("after() through the gateways", .serialized, .timeLimit(.minutes(2)))
struct AfterWorkGatewayTests {
    @Test func theResponseArrivesThroughNginxBeforeASlowAfterTaskEnds() async throws {
        try await withServerBehindNginx(gatewayTestRouter()) { nginx, _ in
            let directory = try TemporaryDirectory()
            let marker = directory.file("after-done")
            let response = try await nginx.request("/api/after?ms=5000&file=\(marker)")
            #expect(response.status == 200)
            #expect(response.text == #"{"scheduled":"5000ms"}"#)
            // The whole response (curl saw its end) came before the after-task (5 s) finished.
            #expect(!FileManager.default.fileExists(atPath: marker), "after-work ended before the response arrived")
            #expect(await eventually(seconds: 20) { FileManager.default.fileExists(atPath: marker) })
            #expect(try String(contentsOfFile: marker, encoding: .utf8).hasPrefix("done"))
        }
    }

    @Test func aGracefulShutdownWaitsForPendingAfterWork() async throws {
        let directory = try TemporaryDirectory()
        let marker = directory.file("after-done")
        let server = try InProcessServer(socketPath: directory.file("app.sock"), router: gatewayTestRouter())
        let response = try await CGIFCGI.request(
            socket: server.socketPath, params: CGIFCGI.params("GET", "/api/after?ms=1000&file=\(marker)"))
        #expect(response.status == 200)
        #expect(!FileManager.default.fileExists(atPath: marker))
        await server.stop()
        // run() returned only once the after-work was done.
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test func inCGIModeAfterWorkRunsOnceStdoutIsClosedAndBeforeExit() async throws {
        let directory = try TemporaryDirectory()
        let marker = directory.file("after-done")
        let environment = CGIScript.environment(
            "GET", "/api/after?ms=200&file=\(marker)", scriptName: "", scriptFilename: CGIScript.fixture)
        let result = try await CGIScript.run(CGIScript.fixture, environment: environment)
        #expect(result.exitStatus == 0, "\(result.error)")
        #expect(result.response.status == 200)
        #expect(result.response.text == #"{"scheduled":"200ms"}"#)
        // The pipe to the host was closed (fd 1 is /dev/null now) before the after-work ran.
        let written = try String(contentsOfFile: marker, encoding: .utf8)
        #expect(written == "done stdout=/dev/null")
    }

    @Test func maxDurationAnswers504InCGIModeAndThroughNginx() async throws {
        let environment = CGIScript.environment("GET", "/api/limited?ms=10000", scriptName: "", scriptFilename: CGIScript.fixture)
        // A 504 at all: the 10 s sleep was cut off by the route's maxDuration.
        let result = try await CGIScript.run(CGIScript.fixture, environment: environment)
        #expect(result.response.status == 504, "\(result.error)")
        #expect(result.response.header("Content-Type") == "application/problem+json")
        #expect(result.error.contains("maxDuration"))

        try await withServerBehindNginx(gatewayTestRouter()) { nginx, _ in
            #expect(try await nginx.request("/api/limited?ms=10").status == 200)
            let limited = try await nginx.request("/api/limited?ms=10000")
            #expect(limited.status == 504)
            #expect(limited.header("Content-Type") == "application/problem+json")
        }
    }
}
