import HTTPTypes
import Logging
import RouteHandlers

/// Sends requests to an application, the way a gateway would, and collects complete responses.
///
/// ```swift
/// try await router.test { client in
///     let response = try await client.get("/api/hello")
///     #expect(response.status == .ok)
/// }
/// ```
///
/// The client builds requests; a ``TestTransport`` carries them, in process (``RouterTransport``) or over
/// FastCGI (``LiveTransport``), so one test body runs either way.
public struct TestClient: Sendable {
    /// How requests reach the application.
    public let transport: any TestTransport

    /// A client that sends each request through `transport`.
    /// - Parameter transport: how requests reach the application.
    public init(transport: some TestTransport) {
        self.transport = transport
    }

    /// A client that passes each request to `responder` in process (``TestingMode/router``).
    /// - Parameters:
    ///   - responder: the app, usually `router.responder()`.
    ///   - logger: the logger handlers get.
    public init(responder: some HTTPResponder, logger: Logger = Logger(label: "route-handlers.test")) {
        self.init(transport: RouterTransport(responder: responder, logger: logger))
    }

    /// The unix socket of the live server (``TestingMode/live``); `nil` in process.
    public var socketPath: String? { (transport as? LiveTransport)?.socketPath }

    /// Sends a request for `target` (a path with an optional query) and returns the whole response.
    /// A streamed body is collected, its chunks kept in ``TestResponse/chunks``.
    /// - Parameters:
    ///   - method: the request method.
    ///   - target: the path, with an optional query.
    ///   - headers: the request headers.
    ///   - body: the request body.
    ///   - remoteAddress: the peer's address, as the web server would pass it on.
    public func execute(
        _ method: HTTPRequest.Method = .get, _ target: String, headers: Headers = [:], body: RequestBody = .empty,
        remoteAddress: String? = "127.0.0.1"
    ) async throws -> TestResponse {
        var request = Request(method: method, target, headers: headers, body: body)
        request.remoteAddress = remoteAddress
        return try await execute(request)
    }

    /// Sends a prepared request. The response goes through the same writer as in production: a header the
    /// gateways would refuse gives the same 500 here, `Content-Length` is set as nginx receives it, and a HEAD,
    /// 204 or 304 response has no body.
    /// - Parameter request: the request the handler gets.
    /// - Throws: ``IncompleteResponse`` when a streamed body failed after its head was sent (a web server would
    ///   pass on a truncated response).
    public func execute(_ request: Request) async throws -> TestResponse {
        try await transport.execute(request)
    }

    /// Sends a GET request for `target`.
    /// - Parameters:
    ///   - target: the path, with an optional query.
    ///   - headers: the request headers.
    public func get(_ target: String, headers: Headers = [:]) async throws -> TestResponse {
        try await execute(.get, target, headers: headers)
    }

    /// Sends a POST request for `target`.
    /// - Parameters:
    ///   - target: the path, with an optional query.
    ///   - headers: the request headers.
    ///   - body: the request body.
    public func post(_ target: String, headers: Headers = [:], body: RequestBody = .empty) async throws -> TestResponse {
        try await execute(.post, target, headers: headers, body: body)
    }
}
