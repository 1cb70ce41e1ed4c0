import Foundation
import Logging
import RouteHandlers
@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness

/// A FastCGIServer running in the test process on a unix socket in a temporary directory.
final class InProcessServer: Sendable {
    let server: FastCGIServer
    let socketPath: String
    let running: Task<Void, Never>

    /// Starts serving `router` on `socketPath`.
    /// - Parameters:
    ///   - responder: the router's configuration (trusted proxies and such).
    ///   - logger: where the server logs (a ``CapturingLogHandler``, to check what it logged); warnings and above
    ///     on the console by default, so that a passing run stays quiet.
    ///   - configure: changes to the server configuration (4 I/O threads by default).
    init(
        socketPath: String, router: Router, responder: RouteResponder.Configuration = .init(), logger: Logger? = nil,
        configure: (inout FastCGIServerConfiguration) -> Void = { _ in }
    ) throws {
        self.socketPath = socketPath
        var configuration = FastCGIServerConfiguration(address: .unix(path: socketPath))
        configuration.ioThreads = 4
        configure(&configuration)
        server = try FastCGIServer(
            configuration: configuration, responder: try router.responder(configuration: responder), logger: logger ?? Self.quietLogger)
        let server = self.server
        running = Task.detached { await server.run() }
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        return logger
    }

    /// Shuts down gracefully and waits for the server to stop.
    func stop() async {
        server.shutdown()
        await running.value
    }
}

/// Runs `body` with a server for `router` on `app.sock` in a new temporary directory; always stops it.
func withInProcessServer(
    _ router: Router, logger: Logger? = nil, configure: (inout FastCGIServerConfiguration) -> Void = { _ in },
    _ body: (InProcessServer) async throws -> Void
) async throws {
    let directory = try TemporaryDirectory()
    let server = try InProcessServer(socketPath: directory.file("app.sock"), router: router, logger: logger, configure: configure)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// Runs `body` with a server for `router` and nginx in front of it; always stops both.
/// - Parameter nginxServerExtra: directives added to nginx's server block (such as an `internal` location for
///   X-Accel-Redirect).
func withServerBehindNginx(
    _ router: Router, responder: RouteResponder.Configuration = .init(), logger: Logger? = nil, nginxServerExtra: String? = nil,
    configure: (inout FastCGIServerConfiguration) -> Void = { _ in },
    _ body: (NginxHarness, InProcessServer) async throws -> Void
) async throws {
    let directory = try TemporaryDirectory()
    let server = try InProcessServer(
        socketPath: directory.file("app.sock"), router: router, responder: responder, logger: logger, configure: configure)
    do {
        let nginx = try await NginxHarness.start(directory: directory.path, socket: server.socketPath, serverExtra: nginxServerExtra)
        defer { nginx.stop() }
        try await body(nginx, server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
