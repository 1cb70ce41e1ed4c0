import RouteHandlers

/// GET /api/admin/fail: throws an error no handler answers, to see what a bug looks like from outside (a 500
/// problem carrying the request id, nothing of the error) and inside (the log line, and the `request.failed` entry
/// the app's `onRequestError` writes to the audit log: see main.swift).
func GET(_ request: Request, _ context: Context) async throws -> Response {
    guard context.locals[Admin.self] != nil else { throw HTTPError(.unauthorized, headers: ["WWW-Authenticate": "Bearer"]) }
    throw DeliberateFailure()
}

struct DeliberateFailure: Error {}
