import RouteHandlers

/// How a ``TestClient`` gets a request to the application and its response back.
///
/// The client builds requests and offers the conveniences (`get`, `post`); a transport only carries one request
/// there and back, so that the same test body runs in process or against a real server. Two come with the
/// library: ``RouterTransport`` (in process, ``TestingMode/router``) and ``LiveTransport`` (FastCGI on a unix
/// socket, ``TestingMode/live``). Conform to send requests another way, then pass it to
/// ``TestClient/init(transport:)``.
public protocol TestTransport: Sendable {
    /// Sends `request` and returns the whole response, as the web server would receive it.
    /// - Parameter request: the request, as the gateway would build it from what the web server sent.
    /// - Throws: ``IncompleteResponse`` when the response was cut off after its head; any error of the
    ///   transport's own (such as ``TestClientError``) when there was no response at all.
    func execute(_ request: Request) async throws -> TestResponse
}
