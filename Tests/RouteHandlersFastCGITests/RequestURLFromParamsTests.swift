import RouteHandlers
@testable import RouteHandlersFastCGI
import Testing

/// The absolute URL, headers, cookies and client address rebuilt from the params nginx sends.
@Suite struct RequestURLFromParamsTests {
    func request(_ extra: [(String, String)]) throws -> Request {
        let base = [("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/p/a%20b?x=1&y=a+b"), ("QUERY_STRING", "x=1&y=a+b")]
        return try Request(cgiParams: (base + extra).map { (name: $0.0, value: $0.1) })
    }

    @Test func schemeFromHTTPSOrRequestScheme() throws {
        #expect(try request([("HTTPS", "on"), ("HTTP_HOST", "example.com")]).url.href == "https://example.com/p/a%20b?x=1&y=a+b")
        #expect(try request([("REQUEST_SCHEME", "https"), ("HTTP_HOST", "example.com")]).url.scheme == "https")
        #expect(try request([("REQUEST_SCHEME", "http"), ("HTTP_HOST", "example.com")]).url.scheme == "http")
        #expect(try request([("HTTPS", "off"), ("HTTP_HOST", "example.com")]).url.scheme == "http")
        #expect(try request([("HTTP_HOST", "example.com")]).url.scheme == "http")
    }

    @Test func hostAndPortFromHTTPHostElseServerNameAndPort() throws {
        let withPort = try request([("HTTP_HOST", "Example.COM:8080"), ("SERVER_NAME", "ignored"), ("SERVER_PORT", "80")])
        #expect(withPort.url.hostname == "example.com")
        #expect(withPort.url.port == 8080)
        #expect(withPort.url.origin == "http://example.com:8080")
        let defaultPort = try request([("HTTPS", "on"), ("HTTP_HOST", "example.com:443")])
        #expect(defaultPort.url.port == nil)
        #expect(defaultPort.url.origin == "https://example.com")
        let v6 = try request([("HTTP_HOST", "[::1]:9000")])
        #expect(v6.url.hostname == "[::1]")
        #expect(v6.url.host == "[::1]:9000")
        let fallback = try request([("SERVER_NAME", "api.internal"), ("SERVER_PORT", "8443"), ("HTTPS", "on")])
        #expect(fallback.url.href == "https://api.internal:8443/p/a%20b?x=1&y=a+b")
        // A Host header that is not a plausible authority does not end up in the URL.
        let forged = try request([("HTTP_HOST", "evil.example/x?y"), ("SERVER_NAME", "localhost"), ("SERVER_PORT", "80")])
        #expect(forged.url.origin == "http://localhost")
    }

    @Test func pathnameSearchParamsHeadersCookiesAndAddress() throws {
        let request = try request([
            ("HTTP_HOST", "example.com"), ("HTTP_X_TRACE", "1"), ("HTTP_X_TRACE", "2"),
            ("HTTP_COOKIE", "session=abc; theme=dark"), ("REMOTE_ADDR", "203.0.113.9"),
        ])
        #expect(request.url.pathname == "/p/a%20b")
        #expect(request.url.searchParams.get("y") == "a b")
        #expect(request.headers.get("x-trace") == "1, 2")
        #expect(request.headers.getAll("X-Trace") == ["1", "2"])
        #expect(request.cookies.get("theme") == "dark")
        #expect(request.remoteAddress == "203.0.113.9")
        #expect(request.ip == "203.0.113.9")
    }
}
