import RouteHandlers

func handler(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    try await next(request, context)
}
