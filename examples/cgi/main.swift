import RouteHandlers
import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// hello-cgi: a small app that runs as a classic CGI script (one process per request: copy the binary into a
// cgi-bin directory) and, unchanged, as a FastCGI server (spawn-fcgi, --listen).
var router = Router()

// Any path: a greeting for ?name= (default "World").
router.get("/[[...path]]") { request, _ in
    let name = request.url.searchParams.get("name") ?? "World"
    return .text("Hello, \(name)!")
}

// What the handler sees of its request, and whether HTTP_PROXY reached the process (it never should: httpoxy).
let echo: RouteHandler = { request, _ in
    .json(EchoResponse(
        method: request.method.rawValue,
        pathname: request.url.pathname,
        search: request.url.search,
        headers: request.headers.map { [$0.name, $0.value] },
        body: try await request.text(),
        httpProxyVariable: getenv("HTTP_PROXY").map { String(cString: $0) }))
}
router.get("/echo", echo)
router.post("/echo", echo)

await Application(router: router).run()

struct EchoResponse: Encodable, Sendable {
    var method: String
    var pathname: String
    var search: String
    var headers: [[String]]
    var body: String
    var httpProxyVariable: String?
}
