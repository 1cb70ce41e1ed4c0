import Foundation
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `--status-listen`: the status page and ping answer on their own socket while handlers hold every event loop.
@Suite("Status on a socket of its own", .timeLimit(.minutes(2)))
struct StatusListenTests {
    @Test(arguments: [false, true])
    func theStatusAnswersWhileEveryLoopIsBlocked(supervised: Bool) async throws {
        let sockets = try TemporaryDirectory()
        let status = sockets.file("status.sock")
        let app = try await SupervisedFixture.start(
            [
                "--io-threads", "1", "--status-path", "/status", "--ping-path", "/ping", "--status-listen", status,
                "--shutdown-timeout", "1",
            ] + (supervised ? ["--processes", "1"] : []),
            nginx: false, deployable: false)
        defer { app.stop(signal: SIGKILL) }
        let socket = app.socket
        #expect(
            await eventually(seconds: 20) {
                (try? await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/hello")))?.status == 200
            })
        #expect(isSocketFile(status))

        // A handler that blocks its thread holds the only loop: the app socket answers nothing now.
        let hung = try RawFastCGIConnection(unixPath: socket)
        defer { hung.close() }
        #expect(hung.send(FCGI.request("GET", "/api/hang?s=60")))
        try await Task.sleep(for: .milliseconds(300))
        let blocked = try RawFastCGIConnection(unixPath: socket)
        defer { blocked.close() }
        #expect(blocked.send(FCGI.request("GET", "/api/hello")))
        #expect(try await offload { blocked.readResponse(seconds: 1) } == nil)

        // The status socket still answers, and sees the request in flight (the one behind it is not read yet).
        let page = try await CGIFCGI.request(socket: status, params: CGIFCGI.params("GET", "/status?json"))
        #expect(page.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any], "\(page.text)")
        #expect(json["active requests"] as? Int == 1, "\(json)")
        #expect(try await CGIFCGI.request(socket: status, params: CGIFCGI.params("GET", "/ping")).text == "pong")
        #expect(try await CGIFCGI.request(socket: status, params: CGIFCGI.params("GET", "/status?openmetrics")).text.hasSuffix("# EOF\n"))
        // Only those paths.
        #expect(try await CGIFCGI.request(socket: status, params: CGIFCGI.params("GET", "/api/hello")).status == 404)
    }

    @Test func itNeedsAPathToAnswer() async throws {
        let result = try await runCommand(
            CGIScript.fixture, ["--listen", "/tmp/unused.sock", "--status-listen", "/tmp/unused-status.sock"], seconds: 10)
        #expect(result.status == 1)
        #expect(result.error.contains("needs --status-path or --ping-path"), "\(result.error)")
    }
}
