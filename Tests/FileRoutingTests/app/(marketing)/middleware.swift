import RouteHandlers

/// A group's middleware: only the routes in (marketing), without a URL prefix of their own.
func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    var context = context
    context.locals[Campaign.self] = Campaign(name: request.url.searchParams.get("utm_campaign") ?? "direct")
    var response = try await next(request, context)
    response.headers.append("X-Layers", "marketing")
    return response
}

/// Handed to the group's routes through `context.locals`: `internal`, as helpers of a middleware file are private to it.
internal struct Campaign: Sendable {
    var name: String
}
