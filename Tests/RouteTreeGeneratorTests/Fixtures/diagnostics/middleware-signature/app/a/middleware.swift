import RouteHandlers

func handle(_ request: Request, next: MiddlewareNext) async throws -> Response {
    try await next(request, Context(params: RouteParameters(), requestID: "", logger: .init(label: "")))
}
