import RouteHandlers

/// Answers on its own (never calling next) without the right header.
func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    guard request.headers.get("X-Admin") == "yes" else {
        throw HTTPError(.unauthorized, "admins only", headers: ["WWW-Authenticate": "Bearer"])
    }
    var response = try await next(request, context)
    response.headers.append("X-Layers", "admin")
    return response
}
