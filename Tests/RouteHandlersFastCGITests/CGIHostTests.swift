import Foundation
import RouteHandlersTestHarness
import Testing

/// hello-cgi installed in a cgi-bin directory and served by real CGI hosts: nginx + fcgiwrap (the project's
/// nginx/cgi-site.conf) and lighttpd's mod_cgi.
@Suite("CGI through real hosts", .timeLimit(.minutes(2)))
struct CGIHostTests {
    typealias Send = @Sendable (_ path: String, _ method: String, _ headers: [String], _ body: [UInt8]?) async throws -> ReceivedResponse

    /// The checks every host must pass.
    func checkHost(_ send: Send, log: () -> String) async throws {
        let hello = try await send("/cgi-bin/hello-cgi?name=Ada", "GET", [], nil)
        #expect(hello.status == 200, "\(hello)\n\(log())")
        #expect(hello.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(hello.text == "Hello, Ada!")
        #expect(try await send("/cgi-bin/hello-cgi/any/path", "GET", [], nil).text == "Hello, World!")

        let body = Array("{\"greeting\": \"héllo\"}".utf8)
        let posted = try await send("/cgi-bin/hello-cgi/echo?x=1&y=%20", "POST", ["Content-Type: application/json"], body)
        #expect(posted.status == 200, "\(posted)")
        let echoed = try EchoedRequest(posted)
        #expect(echoed.method == "POST")
        #expect(echoed.pathname == "/cgi-bin/hello-cgi/echo")
        #expect(echoed.search == "?x=1&y=%20")
        #expect(Array(echoed.body.utf8) == body)
        #expect(echoed.header("Content-Type") == "application/json")

        let duplicated = try EchoedRequest(
            try await send("/cgi-bin/hello-cgi/echo", "GET", ["X-Dup: a", "X-Dup: b, c", "X-Single: one, two"], nil))
        #expect(duplicated.header("X-Dup") == "a, b, c")
        #expect(duplicated.header("X-Single") == "one, two")

        let proxied = try EchoedRequest(try await send("/cgi-bin/hello-cgi/echo", "GET", ["Proxy: http://attacker.invalid:8080"], nil))
        #expect(proxied.httpProxyVariable == nil)
        #expect(proxied.header("Proxy") == nil)

        // A multi-route app mounted at its script name routes on what follows it.
        let api = try await send("/cgi-bin/example-api/api/hello", "GET", [], nil)
        #expect(api.status == 200)
        #expect(api.text == #"{"message":"Hello, World!"}"#)
        #expect(try await send("/cgi-bin/example-api/api/nowhere", "GET", [], nil).status == 404)
        let redirect = try await send("/cgi-bin/hello-cgi/echo/?x=1", "GET", [], nil)
        #expect(redirect.status == 308)
        #expect(redirect.header("Location") == "/cgi-bin/hello-cgi/echo?x=1")
    }

    @Test func nginxWithFcgiwrap() async throws {
        let bin = try CGIBin()
        let directory = try TemporaryDirectory()
        let fcgiwrap = try await FcgiwrapHarness.start(directory: directory.path)
        defer { fcgiwrap.stop() }
        let nginx = try await NginxHarness.start(
            directory: directory.path, socket: fcgiwrap.socket, site: "cgi-site.conf", cgiRoot: bin.root)
        defer { nginx.stop() }
        try await checkHost { path, method, headers, body in
            try await nginx.request(path, method: method, headers: headers, body: body)
        } log: {
            nginx.errorLog
        }
        // A HEAD request gets the GET's head.
        let head = try await nginx.request("/cgi-bin/hello-cgi?name=Ada", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "11")
    }

    @Test func lighttpdModCGI() async throws {
        let bin = try CGIBin()
        let directory = try TemporaryDirectory()
        let lighttpd = try await LighttpdHarness.start(directory: directory.path, documentRoot: bin.root)
        defer { lighttpd.stop() }
        try await checkHost { path, method, headers, body in
            try await lighttpd.request(path, method: method, headers: headers, body: body)
        } log: {
            lighttpd.errorLog
        }
    }

    /// fcgiwrap without nginx's mitigation in front: cgi-fcgi passes HTTP_PROXY as a parameter, fcgiwrap puts it
    /// in the script's environment, and the app must remove it before its handler runs.
    @Test func fcgiwrapPassingHTTPProxyStraightThrough() async throws {
        let bin = try CGIBin()
        let directory = try TemporaryDirectory()
        let fcgiwrap = try await FcgiwrapHarness.start(directory: directory.path)
        defer { fcgiwrap.stop() }
        var params = CGIFCGI.params("GET", "/cgi-bin/hello-cgi/echo", headers: ["HTTP_PROXY": "http://attacker.invalid:8080"])
        params["SCRIPT_NAME"] = "/cgi-bin/hello-cgi"
        params["PATH_INFO"] = "/echo"
        params["SCRIPT_FILENAME"] = bin.scriptPath
        let response = try await CGIFCGI.request(socket: fcgiwrap.socket, params: params)
        #expect(response.status == 200, "\(response)")
        let echoed = try EchoedRequest(response)
        #expect(echoed.httpProxyVariable == nil)
        #expect(echoed.header("Proxy") == nil)
        #expect(echoed.pathname == "/cgi-bin/hello-cgi/echo")
    }
}
