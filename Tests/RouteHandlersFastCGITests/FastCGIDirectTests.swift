import Foundation
import FixtureRoutes
import RouteHandlers
@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("FastCGI with cgi-fcgi and raw connections", .timeLimit(.minutes(2)))
struct FastCGIDirectTests {
    @Test func cgiFcgiGetAndPost() async throws {
        let directory = try TemporaryDirectory()
        let server = try InProcessServer(socketPath: directory.file("app.sock"), router: gatewayTestRouter())
        let hello = try await CGIFCGI.request(socket: server.socketPath, params: CGIFCGI.params("GET", "/api/hello"))
        #expect(hello.status == 200)
        #expect(hello.text == #"{"message":"Hello, World!"}"#)

        var params = CGIFCGI.params("POST", "/api/echo")
        params["CONTENT_TYPE"] = "application/octet-stream"
        let echo = try await CGIFCGI.request(socket: server.socketPath, params: params, body: Array(repeating: 7, count: 100_000))
        #expect(echo.status == 200)
        #expect(try echo.json()["count"] as? String == "100000")
        await server.stop()
    }

    @Test func socketIsCreatedWithMode0660AndRemovedOnShutdown() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("app.sock")
        let server = try InProcessServer(socketPath: path, router: gatewayTestRouter())
        var status = stat()
        #expect(lstat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o660)
        await server.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func idleConnectionsDoNotStarveNewRequests() async throws {
        let directory = try TemporaryDirectory()
        // Two I/O threads and 200 idle connections: a thread-per-connection design would hang here.
        let server = try InProcessServer(socketPath: directory.file("app.sock"), router: gatewayTestRouter()) {
            $0.ioThreads = 2
        }
        var idle: [Int32] = []
        defer { idle.forEach { _ = close($0) } }
        for _ in 0..<200 {
            idle.append(try connectUnix(server.socketPath))
        }
        // Each answered at all is the point (cgi-fcgi is killed after 20 s); how fast is the benchmarks' job.
        for _ in 0..<5 {
            let response = try await CGIFCGI.request(socket: server.socketPath, params: CGIFCGI.params("GET", "/api/hello"))
            #expect(response.status == 200)
        }
        await server.stop()
    }

    @Test func gracefulShutdownLetsRequestsInFlightFinish() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("app.sock")
        let started = LockedFlag()
        var router = Router()
        router.get("/slow") { _, _ in
            started.set()
            try await Task.sleep(for: .milliseconds(300))
            return .text("finished")
        }
        let server = try InProcessServer(socketPath: path, router: router)
        let inFlight = Task.detached {
            try await CGIFCGI.request(socket: path, params: CGIFCGI.params("GET", "/slow"))
        }
        #expect(await eventually { started.isSet })
        await server.stop()
        let response = try await inFlight.value
        #expect(response.status == 200)
        #expect(response.text == "finished")
        // Once stopped, nothing listens any more.
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
