import RouteHandlers

// Runs for every request, including those that match no route (404, 405, the trailing-slash redirect, automatic
// OPTIONS): each response carries the request's id, nginx's $request_id when nginx sent one, so that a client's
// report can be matched to nginx's access log and the app's log.

/// Adds `X-Request-Id` to every response, error responses included.
func handle(_ request: Request, context: Context, next: MiddlewareNext) async -> Response {
    var response: Response
    do {
        response = try await next(request, context)
    } catch {
        response = context.response(for: error)
    }
    response.headers.set("X-Request-Id", context.requestID)
    return response
}
