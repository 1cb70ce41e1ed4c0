import RouteHandlers

/// GET /api/admin/audit: the audit log, newest first, each entry `{"id","action","subject","at"}`.
func GET(_ request: Request, _ context: Context) async throws -> Response {
    guard context.locals[Admin.self] != nil else { throw HTTPError(.unauthorized, headers: ["WWW-Authenticate": "Bearer"]) }
    return .json(try await Audit.entries())
}
