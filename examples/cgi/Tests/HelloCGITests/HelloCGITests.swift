import Foundation
import RouteHandlersTestHarness
import Testing

/// hello-cgi, the CGI example: run as a CGI script the way a CGI host runs it, and as a FastCGI server.
@Suite("hello-cgi", .timeLimit(.minutes(2)))
struct HelloCGITests {
    let script = productsDirectory + "/hello-cgi"

    func mounted(_ method: String, _ target: String) -> [String: String] {
        CGIScript.environment(method, target, scriptName: "/cgi-bin/hello-cgi", scriptFilename: "/srv/www/cgi-bin/hello-cgi")
    }

    @Test func greetsAsACGIScript() async throws {
        let greeting = try await CGIScript.run(script, environment: mounted("GET", "/cgi-bin/hello-cgi?name=Ada"))
        #expect(greeting.exitStatus == 0)
        #expect(greeting.response.status == 200)
        #expect(greeting.response.text == "Hello, Ada!")
        let anyPath = try await CGIScript.run(script, environment: mounted("GET", "/cgi-bin/hello-cgi/any/path"))
        #expect(anyPath.response.text == "Hello, World!")
    }

    @Test func echoesAPostAsACGIScript() async throws {
        let result = try await CGIScript.run(
            script, environment: mounted("POST", "/cgi-bin/hello-cgi/echo?x=1"), body: Array("hello".utf8))
        #expect(result.response.status == 200)
        let echoed = try JSONDecoder().decode(EchoedRequest.self, from: Data(result.response.body))
        #expect(echoed.method == "POST")
        #expect(echoed.pathname == "/cgi-bin/hello-cgi/echo")
        #expect(echoed.body == "hello")
    }

    @Test func servesFastCGIOnASocketUnchanged() async throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("hello.sock")
        let app = try ChildProcess(script, ["--listen", socket], logPrefix: directory.file("app"))
        defer { app.stop() }
        #expect(await eventually { isSocketFile(socket) })
        let response = try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/?name=Ada"))
        #expect(response.status == 200)
        #expect(response.text == "Hello, Ada!")
    }
}
