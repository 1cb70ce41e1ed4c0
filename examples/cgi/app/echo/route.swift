import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// GET /echo: what the handler sees of its request, and whether HTTP_PROXY reached the process (it never
/// should: a client's `Proxy:` header arrives in CGI as that variable, the httpoxy attack).
func GET(_ request: Request) async throws -> Response {
    .json(
        Echo(
            method: request.method.rawValue,
            pathname: request.url.pathname,
            search: request.url.search,
            headers: request.headers.map { [$0.name, $0.value] },
            body: try await request.text(),
            httpProxyVariable: getenv("HTTP_PROXY").map { String(cString: $0) }))
}

/// POST /echo: the same, with the body.
func POST(_ request: Request) async throws -> Response {
    try await GET(request)
}

struct Echo: Encodable, Sendable {
    var method: String
    var pathname: String
    var search: String
    var headers: [[String]]
    var body: String
    var httpProxyVariable: String?
}
