import RouteHandlers

// A public, read-only API that any web page may call (CORS). It sends no cookies and reads no credentials, so
// `Access-Control-Allow-Origin: *` is safe and lets responses be cached once for every origin.

/// GET /api/public/[...path]: `{"path":[…]}`, readable from any origin.
func GET(_ request: Request, _ context: Context) -> Response {
    .json(PathEcho(path: context.params.path), headers: ["Access-Control-Allow-Origin": "*"])
}

/// OPTIONS /api/public/[...path]: the CORS preflight, 204 with what a cross-origin request may use.
func OPTIONS(_ request: Request) -> Response {
    var headers: Headers = [
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, OPTIONS",
        // Any header the page asks for: the API ignores request headers, so none of them needs to be refused.
        "Access-Control-Allow-Headers": request.headers.get("Access-Control-Request-Headers") ?? "Content-Type",
        // Seconds a browser may reuse this answer (Chromium caps it at 7200).
        "Access-Control-Max-Age": "7200",
        "Allow": "GET, HEAD, OPTIONS",
    ]
    // The answer depends on the requested headers, so caches must keep one per value.
    headers.append("Vary", "Access-Control-Request-Headers")
    return .empty(headers: headers)
}

struct PathEcho: Encodable, Sendable {
    var path: [String]
}
