import RouteHandlers

// Every route under /api/admin needs `Authorization: Bearer <ADMIN_TOKEN>`. The token comes from the
// environment; without one the admin API is closed (500, and a log line for the operator), never open.

/// Checks the bearer token, then hands the routes an ``Admin`` through `context.locals`.
func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    guard let token = environment("ADMIN_TOKEN") else {
        context.logger.error("ADMIN_TOKEN is not set: cannot authorize admin requests")
        throw HTTPError(.internalServerError, "Admin access is not configured.")
    }
    guard let presented = bearerToken(request.headers.get("Authorization")), constantTimeEqual(presented, token) else {
        throw HTTPError(
            .unauthorized, "A valid admin token is required: Authorization: Bearer <token>.",
            headers: ["WWW-Authenticate": "Bearer"])
    }
    var context = context
    context.locals[Admin.self] = Admin(requestID: context.requestID)
    return try await next(request, context)
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in any case).
func bearerToken(_ header: String?) -> String? {
    guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
    let token = header.dropFirst(7).drop { $0 == " " }
    return token.isEmpty ? nil : String(token)
}

/// Compares without returning early, so that timing does not tell how much of a guess was right.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let (x, y) = (Array(a.utf8), Array(b.utf8))
    var difference = UInt8(x.count == y.count ? 0 : 1)
    for index in 0..<min(x.count, y.count) { difference |= x[index] ^ y[index] }
    return difference == 0
}
