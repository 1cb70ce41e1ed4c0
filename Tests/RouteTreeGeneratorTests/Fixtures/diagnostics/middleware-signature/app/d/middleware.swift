import RouteHandlers

func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    try await next(request, context)
}

func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    try await next(request, context)
}
