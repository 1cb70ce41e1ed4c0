import RouteHandlers

// Readable from any origin: CORS comes from ../middleware.swift.

/// Shared caches (the nginx in front, through the generated include) may serve a response for 60 seconds, then
/// serve it stale while one request refreshes it.
let revalidate = 60

/// GET /api/public/[...path]: `{"path":[…]}`.
func GET(_ request: Request, _ context: Context) -> Response {
    .json(PathEcho(path: context.params.path))
}

struct PathEcho: Encodable, Sendable {
    var path: [String]
}
