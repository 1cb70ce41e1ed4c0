import HTTPTypes
import Logging
import RouteHandlers
import RouteHandlersFastCGI

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
    /// In process: each request goes straight to the responder (fast, no sockets).
    case router
    /// The real `FastCGIServer` on a temporary unix socket, each request sent over
    /// FastCGI the way nginx sends it, and the CGI response head read back (Hummingbird's `.live`).
    case live

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
                result = .success(try await body(TestClient(live: server.client, logger: logger)))
            } catch {
                result = .failure(error)
            }
            await server.stop()
            return try result.get()
        }
    }

    /// Sends `request` over FastCGI and reads the response back.
    /// - Throws: ``IncompleteResponse`` when the server cut the response off after its head, as the in-process
    ///   client does.
    func executeLive(_ request: Request, client: FastCGIClient) async throws -> TestResponse {
        let answer = try await client.send(params: Self.cgiParams(for: request), body: request.bytes())
        let response = try CGIResponseParser.parse(answer.stdout, method: request.method)
        guard answer.complete else { throw IncompleteResponse(partial: response) }
        return response
    }

    /// The parameters nginx's `fastcgi_params` would send for `request`.
    static func cgiParams(for request: Request) -> [(name: String, value: String)] {
        let url = request.url
        let https = url.scheme == "https"
        var params: [(name: String, value: String)] = [
            ("GATEWAY_INTERFACE", "CGI/1.1"), ("SERVER_PROTOCOL", "HTTP/1.1"), ("SERVER_SOFTWARE", "route-handlers-test"),
            ("REQUEST_METHOD", request.method.rawValue), ("REQUEST_URI", url.pathname + url.search),
            ("QUERY_STRING", url.rawQuery), ("SCRIPT_NAME", url.pathname), ("DOCUMENT_URI", url.pathname),
            ("REQUEST_SCHEME", url.scheme), ("SERVER_NAME", url.hostname),
            ("SERVER_PORT", String(url.port ?? (https ? 443 : 80))), ("REMOTE_ADDR", request.remoteAddress ?? ""),
        ]
        if https { params.append(("HTTPS", "on")) }
        if !request.headers.has("Host") { params.append(("HTTP_HOST", url.host)) }
        for (name, value) in request.headers {
            let param = name.uppercased().replacingDashes()
            switch param {
            case "CONTENT_TYPE": params.append(("CONTENT_TYPE", value))
            case "CONTENT_LENGTH": params.append(("CONTENT_LENGTH", value))
            default: params.append(("HTTP_" + param, value))
            }
        }
        // A test's request body is in memory (a streamed one is collected by executeLive before it is sent).
        if let bytes = request.body.bufferedBytes, !bytes.isEmpty, !request.headers.has("Content-Length") {
            params.append(("CONTENT_LENGTH", String(bytes.count)))
        }
        return params
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}

/// The real server on a unix socket in a new temporary directory, running in a task of its own.
struct LiveTestServer {
    let server: FastCGIServer
    let task: Task<Void, Never>
    let directory: String
    var client: FastCGIClient { FastCGIClient(socketPath: directory + "/fcgi.sock") }

    static func start(responder: some HTTPResponder, logger: Logger) throws(TestClientError) -> LiveTestServer {
        var template = Array("/tmp/route-handlers-test.XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw TestClientError(.serverFailed, "Cannot create a temporary directory for the test socket.")
        }
        let directory = String(cString: created)
        var configuration = FastCGIServerConfiguration(address: .unix(path: directory + "/fcgi.sock"))
        configuration.ioThreads = 4
        configuration.shutdownTimeout = .seconds(10)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let server: FastCGIServer
        do {
            server = try FastCGIServer(configuration: configuration, responder: responder, logger: quiet)
        } catch {
            rmdir(directory)
            throw TestClientError(.serverFailed, error.message)
        }
        return LiveTestServer(server: server, task: Task { await server.run() }, directory: directory)
    }

    /// Graceful shutdown: requests still in flight finish first.
    func stop() async {
        server.shutdown()
        await task.value
        unlink(directory + "/fcgi.sock")
        rmdir(directory)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
