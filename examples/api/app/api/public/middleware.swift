import RouteHandlers

// The public, read-only API may be called from any web page (CORS). It sends no cookies and reads no
// credentials, so `Access-Control-Allow-Origin: *` is safe and lets responses be cached once for every origin.

/// CORS for every route under /api/public: any origin; preflights allow GET and whatever headers the page asks
/// for (the API ignores request headers, so none of them needs to be refused), for 2 hours (Chromium's cap).
let cors = CORSMiddleware(
    origins: .any, methods: [.get, .options], allowedHeaders: .requested(otherwise: ["Content-Type"]),
    maxAge: .seconds(7200))

func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    try await cors.handle(request, context: context, next: next)
}
