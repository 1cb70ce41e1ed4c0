import HTTPTypes
import RouteHandlers
@testable import RouteHandlersFastCGI
import Testing

/// nginx's parameters, as a fixture: what `nginx/fastcgi_params.conf` sends for
/// `GET /api/users/a%20b/../x?q=1&q=2 HTTP/1.1` with two `Accept` headers.
private let nginxFixture: [(name: String, value: String)] = [
    ("QUERY_STRING", "q=1&q=2"),
    ("REQUEST_METHOD", "GET"),
    ("CONTENT_TYPE", ""),
    ("CONTENT_LENGTH", ""),
    ("SCRIPT_NAME", "/api/users/a b/../x"),
    ("REQUEST_URI", "/api/users/a%20b/../x?q=1&q=2"),
    ("DOCUMENT_URI", "/api/users/x"),
    ("SERVER_PROTOCOL", "HTTP/1.1"),
    ("REQUEST_SCHEME", "http"),
    ("GATEWAY_INTERFACE", "CGI/1.1"),
    ("SERVER_SOFTWARE", "nginx/1.22.1"),
    ("REMOTE_ADDR", "192.0.2.10"),
    ("REMOTE_PORT", "53122"),
    ("SERVER_ADDR", "127.0.0.1"),
    ("SERVER_PORT", "8080"),
    ("SERVER_NAME", "localhost"),
    ("REQUEST_ID", "4f1c2d0e9b8a7f6e5d4c3b2a19081726"),
    ("HTTP_PROXY", ""),
    ("HTTP_HOST", "api.example.com:8080"),
    ("HTTP_ACCEPT", "application/json"),
    ("HTTP_ACCEPT", "text/plain"),
    ("HTTP_X_FORWARDED_FOR", "198.51.100.7"),
    ("HTTP_USER_AGENT", "curl/7.88.1"),
]

/// Labels an unlabelled list of parameter pairs.
private func pairs(_ list: [(String, String)]) -> [(name: String, value: String)] {
    list.map { (name: $0.0, value: $0.1) }
}

@Suite("nginx params to Request")
struct ParamsTranslationTests {
    @Test func rebuildsMethodURLAndAddress() throws {
        let request = try Request(cgiParams: nginxFixture)
        #expect(request.method == .get)
        #expect(request.url.scheme == "http")
        #expect(request.url.hostname == "api.example.com")
        #expect(request.url.port == 8080)
        // Routing uses REQUEST_URI as sent (dot segments resolved), never SCRIPT_NAME or DOCUMENT_URI.
        #expect(request.url.pathname == "/api/users/x")
        #expect(request.url.searchParams.getAll("q") == ["1", "2"])
        #expect(request.url.href == "http://api.example.com:8080/api/users/x?q=1&q=2")
        #expect(request.remoteAddress == "192.0.2.10")
    }

    @Test func everyHTTPParamIsAHeaderDuplicatesKeptInOrder() throws {
        let request = try Request(cgiParams: nginxFixture)
        #expect(request.headers.getAll("Accept") == ["application/json", "text/plain"])
        #expect(request.headers.get("accept") == "application/json, text/plain")
        #expect(request.headers.get("X-Forwarded-For") == "198.51.100.7")
        #expect(request.headers.get("User-Agent") == "curl/7.88.1")
        #expect(Array(request.headers).map(\.name) == ["Host", "Accept", "Accept", "X-Forwarded-For", "User-Agent"])
        // The httpoxy mitigation's empty HTTP_PROXY is not a header; empty CONTENT_* are not either.
        #expect(!request.headers.has("Proxy"))
        #expect(!request.headers.has("Content-Type"))
    }

    @Test func contentTypeAndLengthBecomeHeaders() throws {
        var params = nginxFixture
        params[1] = ("REQUEST_METHOD", "POST")
        params[2] = ("CONTENT_TYPE", "application/json")
        params[3] = ("CONTENT_LENGTH", "2")
        let request = try Request(cgiParams: params, body: "{}")
        #expect(request.method == .post)
        #expect(request.headers.get("Content-Type") == "application/json")
        #expect(request.headers.get("Content-Length") == "2")
        #expect(request.mediaType == "application/json")
    }

    @Test func schemeFromHTTPSAndHostFromServerNameWithoutHostHeader() throws {
        let request = try Request(
            cgiParams: pairs([
                ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/"), ("HTTPS", "on"), ("SERVER_NAME", "example.org"),
                ("SERVER_PORT", "443"),
            ]))
        #expect(request.url.scheme == "https")
        #expect(request.url.hostname == "example.org")
        #expect(request.url.port == nil)  // the scheme's default
        #expect(request.url.href == "https://example.org/")
    }

    @Test func invalidHostHeaderFallsBackToServerName() throws {
        let request = try Request(
            cgiParams: pairs([
                ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/x"), ("HTTP_HOST", "evil.example/<script>"),
                ("SERVER_NAME", "localhost"), ("SERVER_PORT", "8080"),
            ]))
        #expect(request.url.host == "localhost:8080")
    }

    @Test func absoluteFormTargetAndMissingRequestURI() throws {
        let absolute = try Request(
            cgiParams: pairs([
                ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "http://h.example/a/b?c=d"), ("QUERY_STRING", "c=d"),
            ]))
        #expect(absolute.url.pathname == "/a/b")
        #expect(absolute.url.search == "?c=d")
        let classic = try Request(
            cgiParams: pairs([
                ("REQUEST_METHOD", "GET"), ("SCRIPT_NAME", "/cgi-bin/app"), ("PATH_INFO", "/users/1"),
            ]))
        #expect(classic.url.pathname == "/cgi-bin/app/users/1")
    }

    @Test(arguments: ["", "G ET", "GET\r\n", "(GET)"])
    func malformedMethodIs400(method: String) {
        #expect(throws: HTTPError.self) {
            try Request(
                cgiParams: pairs([
                    ("REQUEST_METHOD", method), ("REQUEST_URI", "/"),
                ]))
        }
        do {
            _ = try Request(
                cgiParams: pairs([
                    ("REQUEST_METHOD", method), ("REQUEST_URI", "/"),
                ]))
        } catch {
            #expect(error.status == .badRequest)
        }
    }

    @Test func extensionMethodsAreAccepted() throws {
        let request = try Request(
            cgiParams: pairs([
                ("REQUEST_METHOD", "PROPFIND"), ("REQUEST_URI", "/"),
            ]))
        #expect(request.method.rawValue == "PROPFIND")
    }

    @Test func aZeroContentLengthFromTheServerIsNoHeader() throws {
        // lighttpd, HAProxy and Caddy send CONTENT_LENGTH=0 on every GET; the client sent no such header.
        let get = try Request(cgiParams: pairs([("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/"), ("CONTENT_LENGTH", "0")]))
        #expect(get.headers.get("Content-Length") == nil)
        let empty = try Request(
            cgiParams: pairs([
                ("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/"), ("CONTENT_LENGTH", "0"), ("HTTP_CONTENT_LENGTH", "0"),
            ]))
        #expect(empty.headers.get("Content-Length") == "0")
    }

    @Test func headerNamesFromParams() {
        #expect(Request.headerName(fromParam: "HTTP_X_FORWARDED_FOR") == "X-Forwarded-For")
        #expect(Request.headerName(fromParam: "HTTP_DNT") == "Dnt")
        #expect(Request.headerName(fromParam: "HTTP_ACCEPT") == "Accept")
    }
}

@Suite("Listen addresses and options")
struct ListenOptionsTests {
    @Test func parsesTheSpellingsOperatorsUse() throws {
        #expect(try ListenAddress(parsing: "/run/app.sock") == .unix(path: "/run/app.sock"))
        #expect(try ListenAddress(parsing: "unix:/run/app.sock") == .unix(path: "/run/app.sock"))
        #expect(try ListenAddress(parsing: "9000") == .tcp(host: "127.0.0.1", port: 9000))
        #expect(try ListenAddress(parsing: "127.0.0.1:9000") == .tcp(host: "127.0.0.1", port: 9000))
        #expect(try ListenAddress(parsing: "[::1]:9000") == .tcp(host: "::1", port: 9000))
        #expect(try ListenAddress(parsing: "fd:0") == .inherited(fd: 0))
    }

    @Test(arguments: [":9000", "127.0.0.1:0", "127.0.0.1:70000", "[::1]", "unix:", "fd:x"])
    func refusesAmbiguousOrInvalidAddresses(text: String) {
        #expect(throws: ServerError.self) { try ListenAddress(parsing: text) }
    }

    @Test func sizesUseNginxSyntax() throws {
        #expect(ServerOptions.bytes("10m") == 10 * 1024 * 1024)
        #expect(ServerOptions.bytes("512k") == 512 * 1024)
        #expect(ServerOptions.bytes("1024") == 1024)
        for bad in ["ten", "-1", "+5", "1.5m", "m", ""] { #expect(ServerOptions.bytes(bad) == nil, "\(bad)") }
    }

    /// Every option and its variable are read one way: an empty value is unset, a bad one names both.
    @Test(arguments: [
        ("--max-body-size", "ROUTE_HANDLERS_MAX_BODY_SIZE", "ten"), ("--max-params-size", "ROUTE_HANDLERS_MAX_PARAMS_SIZE", "1x"),
        ("--shutdown-timeout", "ROUTE_HANDLERS_SHUTDOWN_TIMEOUT", "soon"), ("--io-threads", "ROUTE_HANDLERS_IO_THREADS", "0"),
        ("--max-requests", "ROUTE_HANDLERS_MAX_REQUESTS", "-3"), ("--socket-mode", "ROUTE_HANDLERS_SOCKET_MODE", "999"),
        ("--request-timeout", "ROUTE_HANDLERS_REQUEST_TIMEOUT", "1d"), ("--status-path", "ROUTE_HANDLERS_STATUS_PATH", "status"),
        ("--slowlog-timeout", "ROUTE_HANDLERS_SLOWLOG_TIMEOUT", "0"), ("--allowed-clients", "FCGI_WEB_SERVER_ADDRS", "nginx"),
    ])
    func optionsAndVariablesShareOneSyntaxAndOneEmptyRule(flag: String, variable: String, bad: String) throws {
        let options = try ServerOptions.parse(["--socket", "/tmp/a.sock"])
        // Empty: unset, as the default.
        let defaults = try #require(try options.configuration(environment: [:]))
        let empty = try #require(try options.configuration(environment: [variable: ""]))
        #expect(empty.maxBodySize == defaults.maxBodySize && empty.shutdownTimeout == defaults.shutdownTimeout)
        #expect(empty.statusPath == nil && empty.allowedClients == nil && empty.maxRequests == nil)
        // Bad, from the variable or from the flag: the same error, naming both.
        for (arguments, environment) in [
            (["--socket", "/tmp/a.sock"], [variable: bad]), (["--socket", "/tmp/a.sock", "\(flag)=\(bad)"], [:]),
        ] {
            #expect {
                try ServerOptions.parse(arguments).configuration(environment: environment)
            } throws: { error in
                let message = (error as? ServerError)?.message ?? ""
                return message.contains(flag) && message.contains(variable) && message.contains(bad)
            }
        }
    }

    @Test func optionsAndEnvironmentMakeAConfiguration() throws {
        let options = try ServerOptions.parse(["--socket", "/tmp/a.sock", "-M", "0600", "--max-body-size", "1m"])
        let configuration = try #require(try options.configuration(environment: ["ROUTE_HANDLERS_IO_THREADS": "3"]))
        #expect(configuration.address == .unix(path: "/tmp/a.sock"))
        #expect(configuration.socketMode == 0o600)
        #expect(configuration.maxBodySize == 1024 * 1024)
        #expect(configuration.ioThreads == 3)

        let fromEnvironment = try ServerOptions.parse([]).configuration(environment: ["ROUTE_HANDLERS_LISTEN": "127.0.0.1:9001"])
        #expect(fromEnvironment?.address == .tcp(host: "127.0.0.1", port: 9001))
        #expect(try ServerOptions.parse([]).configuration(environment: [:]) == nil)
        #expect(throws: ServerError.self) { try ServerOptions.parse(["--socket", "/a", "--port", "1"]).configuration(environment: [:]) }
    }

    @Test func maxParamsSizeFromOptionOrEnvironment() throws {
        #expect(try ServerOptions.parse(["--socket", "/a"]).configuration(environment: [:])?.maxParamsSize == 1024 * 1024)
        let option = try ServerOptions.parse(["--socket", "/a", "--max-params-size", "2m"])
        #expect(try option.configuration(environment: ["ROUTE_HANDLERS_MAX_PARAMS_SIZE": "1k"])?.maxParamsSize == 2 * 1024 * 1024)
        let environment = try ServerOptions.parse(["--socket", "/a"]).configuration(environment: ["ROUTE_HANDLERS_MAX_PARAMS_SIZE": "512k"])
        #expect(environment?.maxParamsSize == 512 * 1024)
        #expect(throws: ServerError.self) {
            try ServerOptions.parse(["--socket", "/a", "--max-params-size", "lots"]).configuration(environment: [:])
        }
    }
}
