import RouteHandlers

/// The labels of Hummingbird 1.
func handle(request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    try await next(request, context)
}
