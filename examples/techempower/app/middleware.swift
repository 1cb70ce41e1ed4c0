import RouteHandlers

// TFB requires a Server header on every answer. nginx passes the app's on (a FastCGI upstream's Server replaces
// nginx's own), so each response has exactly one; nginx adds the Date, once a second anew.

/// Names the server on every response, error responses included.
func handle(_ request: Request, context: Context, next: MiddlewareNext) async -> Response {
    var response: Response
    do {
        response = try await next(request, context)
    } catch {
        response = context.response(for: error)
    }
    response.headers.set("Server", "route-handlers")
    return response
}
