/// Middleware that works out who is asking and stores that user in `context.locals[User.self]` for the middleware
/// and handlers behind it, as Hummingbird's authenticators do. It does not refuse anyone by itself: routes that
/// need a user say so with ``RequireUser`` (or `try context.user(User.self)`), and a public route behind the same
/// middleware still serves anonymous requests.
///
/// ```swift
/// struct TokenAuthenticator: Authenticator {
///     func authenticate(_ request: Request, context: Context) async throws -> Account? {
///         guard let token = request.bearerAuthorization?.token else { return nil }
///         return try await Accounts.find(token: token)
///     }
/// }
/// router.use("/api/account", TokenAuthenticator())
/// router.use("/api/account", RequireUser(Account.self))
/// ```
public protocol Authenticator: RouteMiddleware {
    associatedtype User: Sendable
    /// The user the request authenticates as, or `nil` (no credentials, or ones that do not fit). Throw an
    /// ``HTTPError`` to refuse at once (malformed credentials, say).
    func authenticate(_ request: Request, context: Context) async throws -> User?
}

extension Authenticator {
    public func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
        guard let user = try await authenticate(request, context: context) else { return try await next(request, context) }
        var context = context
        context.locals[User.self] = user
        return try await next(request, context)
    }
}

/// Answers 401 (with `WWW-Authenticate`) unless an ``Authenticator`` in front stored a `User`.
public struct RequireUser<User: Sendable>: RouteMiddleware {
    /// The `WWW-Authenticate` challenge of the 401, such as `Bearer` or `Basic realm="admin"`.
    public var challenge: String
    /// The problem's `detail`.
    public var message: String

    public init(_ user: User.Type, challenge: String = "Bearer", message: String = "Authentication is required.") {
        self.challenge = challenge
        self.message = message
    }

    public func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
        guard context.locals.contains(User.self) else {
            throw HTTPError(.unauthorized, message, headers: ["WWW-Authenticate": challenge])
        }
        return try await next(request, context)
    }
}

extension RouteContext {
    /// The user an ``Authenticator`` stored.
    /// - Throws: ``HTTPError`` 401 when there is none.
    public func user<User: Sendable>(_ type: User.Type, challenge: String = "Bearer") throws(HTTPError) -> User {
        guard let user = locals[User.self] else {
            throw HTTPError(.unauthorized, "Authentication is required.", headers: ["WWW-Authenticate": challenge])
        }
        return user
    }
}
