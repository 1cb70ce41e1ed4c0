import Foundation
import RouteHandlersTestHarness
import Testing

/// The example CGI script executed directly with a CGI environment, as any CGI host would.
@Suite("CGI mode, executed directly", .timeLimit(.minutes(2)))
struct CGIModeTests {
    let script = CGIScript.fixture
    let filename = "/srv/www/cgi-bin/hello-cgi"

    /// The environment for a request to hello-cgi installed as /cgi-bin/hello-cgi.
    func mounted(_ method: String, _ target: String, headers: [String: String] = [:]) -> [String: String] {
        CGIScript.environment(method, target, scriptName: "/cgi-bin/hello-cgi", scriptFilename: filename, headers: headers)
    }

    @Test func getWithAQueryAnswersTheGreetingAndExitsZero() async throws {
        let environment = mounted("GET", "/cgi-bin/hello-cgi?name=Ada")
        let result = try await CGIScript.run(script, environment: environment)
        #expect(result.exitStatus == 0)
        #expect(String(decoding: result.raw, as: UTF8.self).contains("\r\nStatus: 200 OK\r\n\r\nHello"))
        #expect(result.response.status == 200)
        #expect(result.response.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(result.response.header("Content-Length") == "11")
        #expect(result.response.text == "Hello, Ada!")
        let plain = mounted("GET", "/cgi-bin/hello-cgi")
        #expect(try await CGIScript.run(script, environment: plain).response.text == "Hello, World!")
    }

    @Test func postWithABodyIsRoutedOnPathInfo() async throws {
        let body = Array("name=Ada&note=ünïcode\u{0}bytes".utf8)
        var environment = mounted("POST", "/cgi-bin/hello-cgi/echo?x=1")
        environment["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        let result = try await CGIScript.run(script, environment: environment, body: body)
        #expect(result.exitStatus == 0)
        #expect(result.response.status == 200, "\(result.response)")
        let echoed = try EchoedRequest(result.response)
        #expect(echoed.method == "POST")
        #expect(echoed.pathname == "/cgi-bin/hello-cgi/echo")
        #expect(echoed.search == "?x=1")
        #expect(Array(echoed.body.utf8) == body)
        #expect(echoed.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(echoed.header("Content-Length") == String(body.count))
    }

    @Test func aBodyOver64KiBIsStreamedFromStdinWhole() async throws {
        // Past the buffered size: a thread reads stdin as the handler consumes it.
        let body = (0..<(3 << 20)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        var environment = mounted("POST", "/cgi-bin/hello-cgi/echo")
        environment["CONTENT_TYPE"] = "text/plain"
        let result = try await CGIScript.run(script, environment: environment, body: body)
        #expect(result.exitStatus == 0)
        #expect(result.response.status == 200)
        #expect(try Array(EchoedRequest(result.response).body.utf8) == body)
        // A host whose stdin ends before CONTENT_LENGTH: 400, not a truncated body.
        environment["CONTENT_LENGTH"] = String(body.count + 10)
        let short = try await CGIScript.run(script, environment: environment, body: body)
        #expect(short.response.status == 400)
    }

    @Test func aHeaderTheHostJoinedArrivesIntact() async throws {
        let environment = mounted(
            "GET", "/cgi-bin/hello-cgi/echo", headers: ["HTTP_X_DUP": "a, b", "HTTP_ACCEPT": "text/html, application/json;q=0.9"])
        let echoed = try EchoedRequest(try await CGIScript.run(script, environment: environment).response)
        #expect(echoed.header("X-Dup") == "a, b")
        #expect(echoed.header("Accept") == "text/html, application/json;q=0.9")
    }

    @Test func httpProxyNeverReachesTheHandler() async throws {
        let environment = mounted("GET", "/cgi-bin/hello-cgi/echo", headers: ["HTTP_PROXY": "http://attacker.invalid:8080"])
        let result = try await CGIScript.run(script, environment: environment)
        let echoed = try EchoedRequest(result.response)
        #expect(echoed.httpProxyVariable == nil)
        #expect(echoed.header("Proxy") == nil)
        #expect(!result.response.text.contains("attacker"))
    }

    @Test func argumentsFromAQueryAreNeverReadAsOptions() async throws {
        // RFC 3875 4.4: "GET /cgi-bin/x?--listen+/tmp/s" may reach the script as the arguments "--listen" "/tmp/s".
        let directory = try TemporaryDirectory()
        let socket = directory.file("evil.sock")
        let environment = mounted("GET", "/cgi-bin/hello-cgi?--listen+\(socket)")
        let result = try await CGIScript.run(script, environment: environment, arguments: ["--listen", socket])
        #expect(result.exitStatus == 0)
        #expect(result.response.status == 200)
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    @Test func withoutAMountTheRouteComesFromRequestURI() async throws {
        // nginx's stock fastcgi_params in front of fcgiwrap: SCRIPT_NAME is the whole path, no PATH_INFO.
        var environment = CGIScript.environment("GET", "/echo?via=uri", scriptName: "/echo", scriptFilename: filename)
        environment["PATH_INFO"] = nil
        let echoed = try EchoedRequest(try await CGIScript.run(script, environment: environment).response)
        #expect(echoed.pathname == "/echo")
        #expect(echoed.search == "?via=uri")
    }

    @Test func aRewrittenURLIsRoutedOnPathInfo() async throws {
        var environment = mounted("GET", "/pretty/url")
        environment["PATH_INFO"] = "/echo"
        let echoed = try EchoedRequest(try await CGIScript.run(script, environment: environment).response)
        #expect(echoed.pathname == "/cgi-bin/hello-cgi/echo")
    }

    @Test func withoutRequestURIThePathComesFromScriptNameAndPathInfo() async throws {
        var environment = mounted("GET", "/cgi-bin/hello-cgi/echo?q=1")
        environment["REQUEST_URI"] = nil
        let echoed = try EchoedRequest(try await CGIScript.run(script, environment: environment).response)
        #expect(echoed.pathname == "/cgi-bin/hello-cgi/echo")
        #expect(echoed.search == "?q=1")
    }

    @Test func headAndOversizedBodies() async throws {
        let head = mounted("HEAD", "/cgi-bin/hello-cgi?name=Ada")
        let headResult = try await CGIScript.run(script, environment: head)
        #expect(headResult.response.status == 200)
        #expect(headResult.response.header("Content-Length") == "11")
        #expect(headResult.response.body.isEmpty)

        var post = mounted("POST", "/cgi-bin/hello-cgi/echo")
        post["ROUTE_HANDLERS_MAX_BODY_SIZE"] = "4"
        let tooLarge = try await CGIScript.run(script, environment: post, body: Array("0123456789".utf8))
        #expect(tooLarge.exitStatus == 0)
        #expect(tooLarge.response.status == 413)
    }

    @Test func aMultiRouteAppRoutesUnderItsMountAndFromRequestURI() async throws {
        let exampleAPI = CGIScript.fixture
        let apiMounted = CGIScript.environment(
            "GET", "/cgi-bin/example-api/api/hello", scriptName: "/cgi-bin/example-api", scriptFilename: "/srv/cgi-bin/example-api")
        let hello = try await CGIScript.run(exampleAPI, environment: apiMounted)
        #expect(hello.response.status == 200)
        #expect(hello.response.text == #"{"message":"Hello, World!"}"#)

        let missing = CGIScript.environment(
            "GET", "/cgi-bin/example-api/api/nope", scriptName: "/cgi-bin/example-api", scriptFilename: "/srv/cgi-bin/example-api")
        #expect(try await CGIScript.run(exampleAPI, environment: missing).response.status == 404)

        var unmounted = CGIScript.environment("GET", "/api/hello", scriptName: "/api/hello", scriptFilename: "/srv/example-api")
        unmounted["PATH_INFO"] = nil
        #expect(try await CGIScript.run(exampleAPI, environment: unmounted).response.status == 200)
    }

    @Test func aTrailingSlashRedirectsToThePublicPath() async throws {
        let environment = mounted("GET", "/cgi-bin/hello-cgi/echo/?x=1")
        let result = try await CGIScript.run(script, environment: environment)
        #expect(result.response.status == 308)
        #expect(result.response.header("Location") == "/cgi-bin/hello-cgi/echo?x=1")
    }

    @Test func aSocketNamedInTheEnvironmentWinsOverCGI() async throws {
        // An operator's ROUTE_HANDLERS_LISTEN means FastCGI, even if a CGI-looking environment leaked in.
        let directory = try TemporaryDirectory()
        let socket = directory.file("app.sock")
        var environment = CGIScript.environment("GET", "/", scriptName: "/x", scriptFilename: filename)
        environment["ROUTE_HANDLERS_LISTEN"] = socket
        let app = try ChildProcess(script, [], environment: environment, logPrefix: directory.file("app"))
        defer { app.stop() }
        #expect(await eventually { (try? connectUnix(socket)).map { close($0) == 0 } ?? false })
        #expect(try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/?name=Ada")).text == "Hello, Ada!")
    }

    @Test func runFromATerminalPrintsUsage() async throws {
        let result = try await runCommand(script, [], environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm"], seconds: 10)
        #expect(result.status == 64)
        #expect(String(decoding: result.output, as: UTF8.self).contains("CGI"))
    }
}
