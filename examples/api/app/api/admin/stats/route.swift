import RouteHandlers

/// GET /api/admin/stats: `{"users":N,"posts":M}`.
func GET(_ request: Request, _ context: Context) async throws -> Response {
    // Set by ../middleware.swift; never missing behind it, checked anyway so a misplaced route fails closed.
    guard context.locals[Admin.self] != nil else { throw HTTPError(.unauthorized, headers: ["WWW-Authenticate": "Bearer"]) }
    return .json(try await Stats.current())
}
