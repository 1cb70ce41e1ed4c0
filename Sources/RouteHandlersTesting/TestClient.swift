import Foundation
import HTTPTypes
import Logging
import RouteHandlers

/// Sends requests to a responder in process, the way a gateway would, and collects complete responses.
///
/// ```swift
/// try await router.test { client in
///     let response = try await client.get("/api/hello")
///     #expect(response.status == .ok)
/// }
/// ```
public struct TestClient: Sendable {
    let responder: (any HTTPResponder)?
    let logger: Logger
    /// Set in ``TestingMode/live``: requests go over FastCGI to a real server.
    let live: FastCGIClient?

    /// A client that passes each request to `responder` in process (``TestingMode/router``).
    public init(responder: some HTTPResponder, logger: Logger = Logger(label: "route-handlers.test")) {
        self.responder = responder
        self.logger = logger
        self.live = nil
    }

    /// The unix socket of the live server (``TestingMode/live``); `nil` in process.
    public var socketPath: String? { live?.socketPath }

    init(live: FastCGIClient, logger: Logger) {
        self.responder = nil
        self.logger = logger
        self.live = live
    }

    /// Sends a request for `target` (a path with an optional query) and returns the whole response.
    /// A streamed body is collected, its chunks kept in ``TestResponse/chunks``.
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
    /// - Throws: ``IncompleteResponse`` when a streamed body failed after its head was sent (a web server would
    ///   pass on a truncated response).
    public func execute(_ request: Request) async throws -> TestResponse {
        guard let responder else {
            return try await executeLive(request, client: live ?? FastCGIClient(socketPath: ""))
        }
        let requestID = RequestID.next()
        let response = await responder.respond(to: request, requestID: requestID, logger: logger)
        let sink = CollectingSink()
        let outcome = await ResponseWriter.write(
            response, method: request.method, conditions: request.conditions, requestID: requestID, logger: logger, to: sink)
        guard var received = sink.response else { throw IncompleteResponse(partial: nil) }
        guard outcome == .complete else { throw IncompleteResponse(partial: received) }
        // As a gateway does: after() work starts once the whole response is out; the test may await it.
        if let afterWork = response.afterWork, !afterWork.isEmpty {
            received.afterWork = Task { await afterWork.run() }
        }
        return received
    }

    public func get(_ target: String, headers: Headers = [:]) async throws -> TestResponse {
        try await execute(.get, target, headers: headers)
    }

    public func post(_ target: String, headers: Headers = [:], body: RequestBody = .empty) async throws -> TestResponse {
        try await execute(.post, target, headers: headers, body: body)
    }
}

/// Thrown by ``TestClient`` when a streamed body failed after its head was sent.
public struct IncompleteResponse: Error, Sendable {
    /// What was received before the stream failed.
    public var partial: TestResponse?
}

/// Keeps what the response writer sends, as the web server would receive it.
private final class CollectingSink: ResponseSink, @unchecked Sendable {
    private let lock = NSLock()
    private var received: TestResponse?

    var response: TestResponse? { lock.withLock { received } }

    func writeHead(_ head: ResponseHead, body: [UInt8]?) async -> Bool {
        lock.withLock {
            received = TestResponse(status: head.status, headers: head.headers, chunks: body.map { $0.isEmpty ? [] : [$0] } ?? [])
        }
        return true
    }

    func writeChunk(_ bytes: [UInt8]) async -> Bool {
        lock.withLock { received?.chunks.append(bytes) }
        return true
    }
}

/// A complete response received by the ``TestClient``.
public struct TestResponse: Sendable {
    public var status: HTTPResponse.Status
    public var headers: Headers
    /// The body as it was written, chunk by chunk (one chunk for a fixed body).
    public var chunks: [[UInt8]]
    /// The request's `after(_:)` work, started when the response was complete.
    var afterWork: Task<Void, Never>?

    /// A response as received; the test client makes these.
    public init(status: HTTPResponse.Status, headers: Headers, chunks: [[UInt8]]) {
        self.status = status
        self.headers = headers
        self.chunks = chunks
    }

    /// Waits until the work the request scheduled with `after(_:)` has run (at once when there is none).
    public func waitForAfterWork() async {
        await afterWork?.value
    }

    /// The whole body.
    public var body: [UInt8] { chunks.flatMap { $0 } }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body decoded as JSON.
    public func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONBody.decode(type, from: body)
    }

    /// The cookies the response sets (`cookies.get("session")`, `cookies.has("theme")`).
    public var cookies: ResponseCookies {
        ResponseCookies(headers: headers)
    }
}

extension Router {
    /// Freezes the router and runs `body` with a client for it, in process or, with ``TestingMode/live``,
    /// through the real FastCGI server on a temporary unix socket.
    public func test<T>(
        _ mode: TestingMode = .router, configuration: RouteResponder.Configuration = .init(),
        _ body: (TestClient) async throws -> T
    ) async throws -> T {
        try await TestClient.run(mode, responder: responder(configuration: configuration), body)
    }
}
