import HTTPTypes
import RouteHandlers
@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Testing

/// A FastCGI request is built straight from its `PARAMS` bytes; a CGI request from its environment's strings.
/// Both must give the same request.
@Suite("PARAMS bytes to Request")
struct ParamStreamTests {
    private static let base: [(String, String)] = [
        ("QUERY_STRING", "q=1&q=2"), ("REQUEST_METHOD", "GET"), ("CONTENT_TYPE", ""), ("CONTENT_LENGTH", ""),
        ("SCRIPT_NAME", "/api/x"), ("REQUEST_URI", "/api/users/a%20b/../x?q=1&q=2"), ("DOCUMENT_URI", "/api/x"),
        ("SERVER_PROTOCOL", "HTTP/1.1"), ("REQUEST_SCHEME", "http"), ("GATEWAY_INTERFACE", "CGI/1.1"),
        ("REMOTE_ADDR", "192.0.2.10"), ("REMOTE_PORT", "53122"), ("SERVER_ADDR", "127.0.0.1"), ("SERVER_PORT", "8080"),
        ("SERVER_NAME", "localhost"), ("REQUEST_ID", "4f1c2d0e9b8a7f6e"), ("HTTP_PROXY", ""),
        ("HTTP_HOST", "API.Example.com:8080"), ("HTTP_ACCEPT", "application/json"), ("HTTP_ACCEPT", "text/plain"),
        ("HTTP_USER_AGENT", "curl/7.88.1"),
    ]

    private static let variants: [[(String, String)]] = [
        base,
        base + [("HTTPS", "on")],
        base + [("HTTPS", "OFF")],
        base.map { $0.0 == "REQUEST_SCHEME" ? ($0.0, "HTTPS") : $0 },
        base.map { $0.0 == "REQUEST_METHOD" ? ($0.0, "PATCH") : $0 } + [
            ("CONTENT_TYPE", "application/json"),
            ("CONTENT_LENGTH", "12"), ("HTTP_CONTENT_TYPE", "application/json"), ("HTTP_CONTENT_LENGTH", "12"),
        ],
        base.map { $0.0 == "REQUEST_METHOD" ? ($0.0, "PURGE") : $0 },
        base.map { $0.0 == "REQUEST_METHOD" ? ($0.0, "G ET") : $0 },
        base.filter { $0.0 != "HTTP_HOST" && $0.0 != "REQUEST_URI" } + [("PATH_INFO", "/p")],
        base + [("HTTP_PROXY", "http://evil"), ("REMOTE_USER", "ana"), ("HTTP_X_NAME", "é ✓ \u{1F600}")],
        base.map { $0.0 == "REQUEST_URI" ? ($0.0, "http://other.example/a/./b?x#frag") : $0 },
        base.map { $0.0 == "HTTP_HOST" ? ($0.0, "[::1]:99") : $0 },
        base.map { $0.0 == "HTTP_HOST" ? ($0.0, "bad host") : $0 },
        [("REQUEST_METHOD", "GET"), ("REQUEST_URI", "relative")],
        [],
    ]

    @Test(arguments: variants.indices)
    func bytesAndStringsGiveTheSameRequest(index: Int) {
        let params = Self.variants[index].map { (name: $0.0, value: $0.1) }
        let fromStrings = GatewayRequest(params: params)
        let fromBytes = GatewayRequest(paramStream: FCGI.pairs(Self.variants[index]))
        #expect(fromBytes.declaredLength == fromStrings.declaredLength)
        #expect(fromBytes.remoteUser == fromStrings.remoteUser)
        #expect(fromBytes.method == fromStrings.method)
        if params.contains(where: { $0.name == "REQUEST_ID" }) { #expect(fromBytes.requestID == fromStrings.requestID) }
        switch (fromBytes.request, fromStrings.request) {
        case (.success(let bytes), .success(let strings)):
            #expect(bytes.method == strings.method)
            #expect(bytes.url == strings.url)
            #expect(bytes.headers == strings.headers)
            #expect(bytes.remoteAddress == strings.remoteAddress)
        case (.failure(let bytes), .failure(let strings)):
            #expect(bytes.status == strings.status)
            #expect(bytes.message == strings.message)
        default:
            Issue.record("one succeeded, one failed: \(fromBytes.request) / \(fromStrings.request)")
        }
    }

    @Test func aValueEndsAtItsFirstNUL() throws {
        let gateway = GatewayRequest(
            paramStream: FCGI.pairs([
                ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/a\u{0}/b"), ("HTTP_X_A", "x\u{0}y"),
            ]))
        let request = try gateway.request.get()
        #expect(request.url.pathname == "/a")
        #expect(request.headers.get("X-A") == "x")
    }

    @Test func theSchemeAndHostAreReadInAnyCase() throws {
        let request = try GatewayRequest(
            paramStream: FCGI.pairs([
                ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/"), ("HTTPS", "On"), ("HTTP_HOST", "WWW.Example.COM"),
            ])
        ).request.get()
        #expect(request.url.href == "https://www.example.com/")
    }

    @Test func anInvalidStreamGivesNoParameters() {
        // A length past the end: the record parser refuses such a stream first; here nothing is read from it.
        let gateway = GatewayRequest(paramStream: [0x05, 0x7F, 0x41])
        #expect(gateway.declaredLength == nil)
        #expect((try? gateway.request.get()) == nil)
    }
}
