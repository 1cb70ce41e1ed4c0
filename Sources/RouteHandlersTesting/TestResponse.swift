import HTTPTypes
import RouteHandlers

/// A complete response received by the ``TestClient``.
public struct TestResponse: Sendable {
    /// The response status.
    public var status: HTTPResponse.Status
    /// The response headers, as the web server received them.
    public var headers: Headers
    /// The body as it was written, chunk by chunk (one chunk for a fixed body).
    public var chunks: [[UInt8]]
    /// The request's `after(_:)` work, started when the response was complete.
    var afterWork: Task<Void, Never>?

    /// A response as received; a ``TestTransport`` makes these.
    /// - Parameters:
    ///   - status: the response status.
    ///   - headers: the response headers.
    ///   - chunks: the body, chunk by chunk.
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
    /// - Parameter type: the type to decode.
    public func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONBody.decode(type, from: body)
    }

    /// The cookies the response sets (`cookies.get("session")`, `cookies.has("theme")`).
    public var cookies: ResponseCookies {
        ResponseCookies(headers: headers)
    }
}
