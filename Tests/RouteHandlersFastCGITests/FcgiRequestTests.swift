import Foundation
import RouteHandlersTestHarness
import Testing

/// nginx/fcgi-request, the documented way to talk to a running app with the real cgi-fcgi, against the
/// fixture app serving FastCGI (the same binary that runs as CGI).
@Suite("nginx/fcgi-request with cgi-fcgi", .timeLimit(.minutes(2)))
struct FcgiRequestTests {
    let helper = repositoryRoot + "/nginx/fcgi-request"

    func send(_ arguments: [String], body: [UInt8]? = nil) async throws -> ReceivedResponse {
        let result = try await runCommand(helper, arguments, input: body, seconds: 20)
        guard result.status == 0 else { throw HarnessError("fcgi-request failed with \(result.status): \(result.error)") }
        return try ReceivedResponse.parse(result.output)
    }

    @Test func helloCGIServedAsFastCGI() async throws {
        let app = try await SupervisedFixture.start(nginx: false, deployable: false)
        defer { app.stop() }
        let socket = app.socket

        let hello = try await send([socket, "GET", "/?name=Ada"])
        #expect(hello.status == 200)
        #expect(hello.text == "Hello, Ada!")

        let body = Array("line one\nline two ünïcode".utf8)
        let posted = try await send(
            [socket, "POST", "/echo?x=1", "Content-Type: text/plain; charset=utf-8", "X-Dup: a", "x-dup: b"], body: body)
        #expect(posted.status == 200)
        let echoed = try EchoedRequest(posted)
        #expect(echoed.method == "POST")
        #expect(echoed.pathname == "/echo")
        #expect(echoed.search == "?x=1")
        #expect(Array(echoed.body.utf8) == body)
        #expect(echoed.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(echoed.header("Content-Length") == String(body.count))
        #expect(echoed.header("X-Dup") == "a, b")
    }

    @Test func exampleAPIOnATCPPort() async throws {
        let address = "127.0.0.1:\(try freeLoopbackPort())"
        let app = try await SupervisedFixture.start(listen: address, nginx: false, deployable: false)
        defer { app.stop() }
        let hello = try await send([address, "GET", "/api/hello"])
        #expect(hello.status == 200)
        #expect(hello.text == #"{"message":"Hello, World!"}"#)
        #expect(try await send([address, "GET", "/api/nowhere"]).status == 404)
    }

    @Test func refusesMalformedInput() async throws {
        let usage = try await runCommand(helper, [], seconds: 10)
        #expect(usage.status == 64)
        #expect(usage.error.contains("Usage: nginx/fcgi-request SOCKET METHOD TARGET"))
        // A header name that would smuggle a variable into the environment.
        let smuggled = try await runCommand(helper, ["/tmp/none.sock", "GET", "/", "X=1 PATH: /tmp"], seconds: 10)
        #expect(smuggled.status == 64)
        let relative = try await runCommand(helper, ["/tmp/none.sock", "GET", "api"], seconds: 10)
        #expect(relative.status == 64)
    }
}
