import Logging

/// What a handler knows about the request beyond the request itself: the route's parameters, a request id,
/// a logger carrying that id, and the values middleware stored for it.
public struct RouteContext<Params: Sendable>: Sendable {
    /// The route's dynamic segments. File-based routes get a generated, typed `Params`.
    public var params: Params
    /// A short id for this request (nginx's `$request_id` when it sends one), also sent in 500 responses so that a
    /// report can be matched to the log.
    public var requestID: String
    public var logger: Logger
    /// Values stored by middleware for the handlers behind it, keyed by type (`context.locals[CurrentUser.self]`).
    public var locals: Locals
    /// The route the request matched; `nil` in root middleware for a request that matched none (404, redirect).
    public internal(set) var route: MatchedRoute?
    /// Whether ``response(for:)`` puts an unexpected error's description in the 500 (development mode).
    var exposeErrorDetails: Bool
    /// Where routing sent the request; read at the end of the global middleware chain.
    var target: RouteResponder.Target?
    /// The app's `onRequestError` and the request, for ``response(for:)`` to report what it answers 5xx.
    var errorReporting: ErrorReporting?
    /// The request's time limit, applied around the matched route's chain (``RouteResponder``).
    var deadline: ActiveDeadline?
    /// Routes a request again, for one the global middleware rewrote (``Request/rewritten(to:)``): the path it was
    /// routed on, and how.
    var routing: (pathname: String, rerouter: RouteResponder.Rerouter)?

    public init(params: Params, requestID: String, logger: Logger, locals: Locals = Locals()) {
        self.params = params
        self.requestID = requestID
        self.logger = logger
        self.locals = locals
        self.route = nil
        self.exposeErrorDetails = false
    }

    /// The same context with other params, as generated route wrappers use to hand typed params to a handler.
    public func with<Other>(params: Other) -> RouteContext<Other> {
        var other = RouteContext<Other>(params: params, requestID: requestID, logger: logger, locals: locals)
        other.route = route
        other.exposeErrorDetails = exposeErrorDetails
        other.errorReporting = errorReporting
        return other
    }
}

/// The route a request matched, as middleware sees it.
public struct MatchedRoute: Sendable {
    /// The route's pattern, such as `/api/users/[id]`.
    public var pattern: RoutePattern
    /// Where the route comes from: its file for file-based routes, else its pattern.
    public var source: String
    /// The methods the route answers, as `Allow` lists them.
    public var allowedMethods: [String]
}

/// The context of a handler added with the programmatic ``Router``, and of every middleware: parameters by name.
public typealias Context = RouteContext<RouteParameters>

/// A route handler as the router stores it.
public typealias RouteHandler = @Sendable (Request, Context) async throws -> Response
