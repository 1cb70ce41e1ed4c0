import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// The routes a CGI script typically has: a greeting on any path and an echo of what the handler saw.
func addHelloRoutes(to router: inout Router) {
    // GET on any path outside /api: a greeting for `?name=` (default "World"). Paths under /api are left
    // unmatched so that the tests see the router's own 404 there.
    router.get("/[[...path]]") { request, context in
        if context.params.segments("path")?.first == "api" { throw HTTPError(.notFound, "No route for \(request.url.pathname).") }
        return .text("Hello, \(request.url.searchParams.get("name") ?? "World")!")
    }
    router.get("/echo", echo)
    router.post("/echo", echo)
}

/// What the handler sees of its request, and whether HTTP_PROXY reached the process (it never should: a
/// client's `Proxy:` header arrives in CGI as that variable, the httpoxy attack).
@Sendable private func echo(_ request: Request, _ context: Context) async throws -> Response {
    .json(
        HelloEcho(
            method: request.method.rawValue,
            pathname: request.url.pathname,
            search: request.url.search,
            headers: request.headers.map { [$0.name, $0.value] },
            body: try await request.text(),
            httpProxyVariable: getenv("HTTP_PROXY").map { String(cString: $0) }))
}

struct HelloEcho: Encodable, Sendable {
    var method: String
    var pathname: String
    var search: String
    var headers: [[String]]
    var body: String
    var httpProxyVariable: String?
}
