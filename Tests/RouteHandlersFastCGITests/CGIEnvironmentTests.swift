import Testing
import RouteHandlers
@testable import RouteHandlersFastCGI

/// Where a CGI script is mounted, and the path it is routed on.
@Suite("CGI environment")
struct CGIEnvironmentTests {
    func environment(_ pairs: [String: String]) -> CGIEnvironment {
        CGIEnvironment(params: pairs.map { (name: $0.key, value: $0.value) })
    }

    @Test func pathInfoMountsTheScriptAtScriptName() {
        #expect(environment(["SCRIPT_NAME": "/cgi-bin/app", "PATH_INFO": "/x"]).mountPoint == "/cgi-bin/app")
        #expect(environment(["SCRIPT_NAME": "/cgi-bin/app/", "PATH_INFO": "/x"]).mountPoint == "/cgi-bin/app")
    }

    @Test func theScriptsOwnURLMountsItWithoutPathInfo() {
        let script = ["SCRIPT_NAME": "/cgi-bin/app", "SCRIPT_FILENAME": "/usr/lib/cgi-bin/app"]
        #expect(environment(script).mountPoint == "/cgi-bin/app")
        #expect(environment(script.merging(["PATH_INFO": ""]) { $1 }).mountPoint == "/cgi-bin/app")
    }

    @Test func aWholePathInScriptNameIsNoMount() {
        #expect(environment(["SCRIPT_NAME": "/api/users", "SCRIPT_FILENAME": "/srv/app"]).mountPoint == nil)
        #expect(environment(["SCRIPT_NAME": "/api/users"]).mountPoint == nil)
        #expect(environment(["PATH_INFO": "/x"]).mountPoint == nil)
        #expect(environment(["SCRIPT_NAME": "relative", "PATH_INFO": "/x"]).mountPoint == nil)
    }

    @Test func thePublicPathKeepsTheClientsEncodingUnderTheMount() {
        func pathname(_ path: String, fromRequestURI: Bool = true, pathInfo: String?) -> String {
            CGIEnvironment.pathname(path, fromRequestURI: fromRequestURI, mount: "/cgi-bin/app", pathInfo: pathInfo)
        }
        #expect(pathname("/cgi-bin/app/a%20b", pathInfo: "/a b") == "/cgi-bin/app/a%20b")
        #expect(pathname("/cgi-bin/app", pathInfo: nil) == "/cgi-bin/app")
        // Not under the mount (a rewrite): rebuilt from PATH_INFO, which arrives decoded.
        #expect(pathname("/pretty", pathInfo: "/a b/100%/ü") == "/cgi-bin/app/a%20b/100%25/%C3%BC")
        #expect(pathname("/cgi-bin/application", pathInfo: nil) == "/cgi-bin/app")
        // No REQUEST_URI: the path was rebuilt from the decoded variables; encode PATH_INFO once, not decode it twice.
        #expect(pathname("/cgi-bin/app/%41", fromRequestURI: false, pathInfo: "/%41") == "/cgi-bin/app/%2541")
    }

    @Test func duplicateVariablesAreKeptAndHTTPProxyIsRemoved() {
        var cgi = CGIEnvironment(params: [("HTTP_X_DUP", "a"), ("HTTP_PROXY", "http://evil"), ("HTTP_X_DUP", "b")])
        #expect(cgi.dictionary["HTTP_X_DUP"] == "b")
        cgi.removeProxyVariable()
        #expect(cgi.params.map(\.name) == ["HTTP_X_DUP", "HTTP_X_DUP"])
        #expect(cgi["HTTP_X_DUP"] == "a")
    }
}

/// What nginx and CGI hosts pass for the body's headers.
@Suite("Request from CGI parameters: content headers")
struct CGIContentHeaderTests {
    func params(_ pairs: [(String, String)]) -> [(name: String, value: String)] {
        pairs.map { (name: $0.0, value: $0.1) }
    }

    @Test func nginxsCopiesOfTheContentHeadersDoNotDoubleThem() throws {
        let request = try Request(
            cgiParams: params([
                ("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/echo"), ("CONTENT_TYPE", "text/plain"), ("CONTENT_LENGTH", "3"),
                ("HTTP_CONTENT_TYPE", "text/plain"), ("HTTP_CONTENT_LENGTH", "3"), ("HTTP_HOST", "localhost"),
            ]))
        #expect(request.headers.getAll("Content-Type") == ["text/plain"])
        #expect(request.headers.getAll("Content-Length") == ["3"])
        #expect(request.mediaType == "text/plain")
    }

    @Test func theHeaderCopyStandsInForAMissingVariable() throws {
        let request = try Request(
            cgiParams: params([
                ("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/echo"), ("CONTENT_TYPE", ""), ("HTTP_CONTENT_TYPE", "application/json"),
            ]))
        #expect(request.headers.getAll("Content-Type") == ["application/json"])
    }
}
