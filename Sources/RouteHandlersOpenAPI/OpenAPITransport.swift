public import HTTPTypes
public import OpenAPIRuntime
public import RouteHandlers

/// A swift-openapi-generator `ServerTransport` that adds each operation of a generated `APIProtocol`
/// implementation to a `Router`, beside its other (file-based or programmatic) routes.
///
/// ```swift
/// var router = Router.app()                    // the app/ directory's routes
/// try router.openAPI(prefix: "/api") { transport in
///     try GreetingService().registerHandlers(on: transport)
/// }
/// await Application(router: router).run()
/// ```
///
/// An OpenAPI path such as `/users/{id}` becomes the route `/users/[id]` under `prefix` (and under the path of
/// the `serverURL` given to `registerHandlers`). Errors the API does not answer itself become the same RFC 9457
/// problems as everywhere else: a request the generated code cannot decode is a 400 (or 415, 406), an
/// `HTTPError` thrown by a handler keeps its status, anything else is a 500 that names no detail.
public final class OpenAPITransport: ServerTransport {
    /// The router with the operations registered so far.
    public private(set) var router: Router
    /// The path every operation is served under, such as `/api`; empty for none.
    public let prefix: String

    /// Adds operations to a copy of `router` (read it back from ``router``).
    public init(router: Router = Router(), prefix: String = "") {
        self.router = router
        var prefix = prefix
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.prefix = prefix.isEmpty || prefix.hasPrefix("/") ? prefix : "/" + prefix
    }

    /// Adds one operation; called by the generated `registerHandlers(on:)`.
    /// - Throws: `RouteError` when the path cannot be a route (such as `{id}.json`, a parameter
    ///   that is only part of a segment).
    public func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        let pattern = prefix + Self.routePattern(openAPIPath: path)
        // Reported here, at registration, rather than when the router is frozen.
        guard !pattern.contains("{") else {
            throw RouteError(.invalidSegment, "OpenAPI path \(path): a parameter must be a whole segment, such as /files/{name}.")
        }
        _ = try RoutePattern(pattern)
        // The operation reads its body as an `HTTPBody` stream: it gets it as it arrives.
        router.add(pattern, method, source: "OpenAPI \(method) \(path)", config: RouteConfig(requestBuffering: false)) { request, context in
            let metadata = ServerRequestMetadata(pathParameters: context.params.openAPIPathParameters)
            do {
                let (response, body) = try await handler(request.head, request.openAPIBody, metadata)
                return try await Response(openAPI: response, body: body)
            } catch let error as ServerError {
                throw error.routeHandlersError
            }
        }
    }

    /// `/users/{id}` → `/users/[id]`.
    static func routePattern(openAPIPath path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") && segment.count > 2
                ? "[" + segment.dropFirst().dropLast() + "]" : String(segment)
        }.joined(separator: "/")
    }
}

extension Router {
    /// Adds the operations that `register` registers on a transport (the generated `registerHandlers(on:)`),
    /// under `prefix`.
    public mutating func openAPI(prefix: String = "", _ register: (OpenAPITransport) throws -> Void) throws {
        let transport = OpenAPITransport(router: self, prefix: prefix)
        try register(transport)
        self = transport.router
    }
}
