/// The rest of a middleware chain: the middleware after this one, and at the end the route's handler.
public typealias MiddlewareNext = @Sendable (Request, Context) async throws -> Response

/// Code that runs around the handlers of a group of routes, in the shape of Hummingbird's `RouterMiddleware`.
///
/// A middleware may answer on its own (never calling `next`), change the request or the context before `next`
/// (``RouteContext/locals`` carries typed values to the handlers), change the response after it, and catch what
/// `next` throws (``RouteContext/response(for:)`` turns any error into the response the client would get).
///
/// ```swift
/// struct Timing: RouteMiddleware {
///     func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
///         let start = ContinuousClock.now
///         var response = try await next(request, context)
///         response.headers.set("Server-Timing", "app;dur=\((ContinuousClock.now - start).milliseconds)")
///         return response
///     }
/// }
/// ```
///
/// Middleware is composed into each route's chain when the router is frozen, never looked up per request: no
/// header, query or path can make a request skip one.
public protocol RouteMiddleware: Sendable {
    func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response
}

/// A middleware made of a closure; a `middleware.swift` file is compiled into one.
public struct MiddlewareFunction: RouteMiddleware, CustomStringConvertible {
    let body: @Sendable (Request, Context, MiddlewareNext) async throws -> Response
    /// Where the middleware comes from (its file, for file-based middleware), for the route table and logs.
    public let source: String
    /// The paths it runs for (Next.js's `config.matcher`, a middleware file's `let matcher`), matched against
    /// ``RequestURL/pathname``; empty: every request that reaches it. Other requests go straight to `next`.
    public let matcher: [SitePattern]

    public init(
        source: String = "closure", matcher: [SitePattern] = [],
        _ body: @escaping @Sendable (Request, Context, MiddlewareNext) async throws -> Response
    ) {
        self.source = source
        self.matcher = matcher
        self.body = body
    }

    public func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
        if !matcher.isEmpty, !matcher.contains(where: { $0.match(request.url.pathname) != nil }) {
            return try await next(request, context)
        }
        return try await body(request, context, next)
    }

    public var description: String { source }
}

extension Array where Element == any RouteMiddleware {
    /// `handler` wrapped in these middleware, the first outermost.
    func wrapping(_ handler: @escaping RouteHandler) -> RouteHandler {
        reversed().reduce(handler) { next, middleware in
            { request, context in try await middleware.handle(request, context: context, next: next) }
        }
    }
}
