import RouteHandlers

// Every route under /api/admin needs `Authorization: Bearer <ADMIN_TOKEN>`. The token comes from the
// environment; without one the admin API is closed (500, and a log line for the operator), never open.

/// Authenticates the admin token into an ``Admin`` in `context.locals`, then lets only an admin through (401
/// with `WWW-Authenticate: Bearer` otherwise).
func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    guard let token = environment("ADMIN_TOKEN") else {
        context.logger.error("ADMIN_TOKEN is not set: cannot authorize admin requests")
        throw HTTPError(.internalServerError, "Admin access is not configured.")
    }
    let required = RequireUser(Admin.self, message: "A valid admin token is required: Authorization: Bearer <token>.")
    return try await AdminTokenAuthenticator(token: token).handle(request, context: context) { request, context in
        try await required.handle(request, context: context, next: next)
    }
}

/// The admin is whoever presents the configured bearer token.
struct AdminTokenAuthenticator: Authenticator {
    let token: String

    func authenticate(_ request: Request, context: Context) async throws -> Admin? {
        guard let presented = request.bearerAuthorization?.token, constantTimeEqual(presented, token) else { return nil }
        return Admin(requestID: context.requestID)
    }
}

/// Compares without returning early, so that timing does not tell how much of a guess was right.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let (x, y) = (Array(a.utf8), Array(b.utf8))
    var difference = UInt8(x.count == y.count ? 0 : 1)
    for index in 0..<min(x.count, y.count) { difference |= x[index] ^ y[index] }
    return difference == 0
}
