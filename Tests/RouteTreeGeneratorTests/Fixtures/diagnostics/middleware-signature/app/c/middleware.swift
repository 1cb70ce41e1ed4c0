import RouteHandlers

func handle(_ request: Request, context: Context, next: RouteHandler) async throws -> Response {
    try await next(request, context)
}
