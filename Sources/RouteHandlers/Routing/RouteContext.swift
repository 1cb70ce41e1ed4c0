import Logging

/// What a handler knows about the request beyond the request itself: the route's parameters, a request id and
/// a logger carrying that id.
public struct RouteContext<Params: Sendable>: Sendable {
    /// The route's dynamic segments. File-based routes get a generated, typed `Params`.
    public var params: Params
    /// A short id for this request, also sent in 500 responses so that a report can be matched to the log.
    public var requestID: String
    public var logger: Logger

    public init(params: Params, requestID: String, logger: Logger) {
        self.params = params
        self.requestID = requestID
        self.logger = logger
    }

    /// The same context with other params, as generated route wrappers use to hand typed params to a handler.
    public func with<Other>(params: Other) -> RouteContext<Other> {
        RouteContext<Other>(params: params, requestID: requestID, logger: logger)
    }
}

/// The context of a handler added with the programmatic ``Router``: parameters by name.
public typealias Context = RouteContext<RouteParameters>

/// A route handler as the router stores it.
public typealias RouteHandler = @Sendable (Request, Context) async throws -> Response
