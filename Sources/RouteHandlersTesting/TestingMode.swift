import Logging
import RouteHandlers

/// How a ``TestClient`` reaches the application. The client's API is the same in both, so one test body can
/// run both ways:
///
/// ```swift
/// @Test(arguments: [TestingMode.router, .live])
/// func greets(mode: TestingMode) async throws {
///     try await router.test(mode) { client in
///         #expect(try await client.get("/api/hello").status == .ok)
///     }
/// }
/// ```
public enum TestingMode: Sendable, Hashable, CustomStringConvertible {
    /// In process: each request goes straight to the responder (fast, no sockets), through ``RouterTransport``.
    case router
    /// The real `FastCGIServer` on a temporary unix socket, each request sent over
    /// FastCGI the way nginx sends it, and the CGI response head read back (Hummingbird's `.live`), through
    /// ``LiveTransport``.
    case live

    /// The mode's name, as a parameterized test shows it.
    public var description: String {
        switch self {
        case .router: "router"
        case .live: "live"
        }
    }
}

extension TestClient {
    /// Runs `body` with a client for `responder`, reached as `mode` says. A live server is stopped (gracefully)
    /// and its socket removed when `body` returns or throws.
    /// - Parameters:
    ///   - mode: in process or through a live server.
    ///   - responder: the app.
    ///   - logger: the logger handlers get (a live server logs warnings and above only).
    ///   - body: the test, given the client.
    public static func run<T>(
        _ mode: TestingMode, responder: some HTTPResponder, logger: Logger = Logger(label: "route-handlers.test"),
        _ body: (TestClient) async throws -> T
    ) async throws -> T {
        switch mode {
        case .router:
            return try await body(TestClient(responder: responder, logger: logger))
        case .live:
            let server = try LiveTestServer.start(responder: responder, logger: logger)
            let result: Result<T, any Error>
            do {
                result = .success(try await body(TestClient(transport: LiveTransport(socketPath: server.socketPath))))
            } catch {
                result = .failure(error)
            }
            await server.stop()
            return try result.get()
        }
    }
}

extension Router {
    /// Freezes the router and runs `body` with a client for it, in process or, with ``TestingMode/live``,
    /// through the real FastCGI server on a temporary unix socket.
    /// - Parameters:
    ///   - mode: in process (the default) or through a live server.
    ///   - configuration: the responder's configuration.
    ///   - body: the test, given the client.
    public func test<T>(
        _ mode: TestingMode = .router, configuration: RouteResponder.Configuration = .init(),
        _ body: (TestClient) async throws -> T
    ) async throws -> T {
        try await TestClient.run(mode, responder: responder(configuration: configuration), body)
    }
}
