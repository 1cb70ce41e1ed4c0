import RouteHandlers

// Sessions for /api/session: a signed cookie holding a random id, the data in the example's database. The
// signing key comes from SESSION_SECRET, the same for every worker and host; without one, sessions are off
// (500, and a log line for the operator), never signed with a key someone could guess.

/// The session middleware, made once: its key from the environment.
let sessions = environment("SESSION_SECRET").flatMap { $0.utf8.count >= 32 ? $0 : nil }.map {
    SessionMiddleware<Visitor>(store: DatabaseSessionStore(), secret: $0)
}

func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    guard let sessions else {
        context.logger.error("SESSION_SECRET is not set (or shorter than 32 bytes): sessions are off")
        throw HTTPError(.internalServerError, "Sessions are not configured.")
    }
    return try await sessions.handle(request, context: context, next: next)
}
