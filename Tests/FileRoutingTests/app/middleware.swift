import RouteHandlers

/// Root middleware: every response, 404s and redirects included, says which layers it went through.
func handle(_ request: Request, context: Context, next: MiddlewareNext) async -> Response {
    var response: Response
    do {
        response = try await next(request, context)
    } catch {
        response = context.response(for: error)
    }
    response.headers.append("X-Layers", "root")
    return response
}
