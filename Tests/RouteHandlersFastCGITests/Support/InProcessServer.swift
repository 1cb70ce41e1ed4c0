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

    init(socketPath: String, router: Router, configure: (inout FastCGIServerConfiguration) -> Void = { _ in }) throws {
        self.socketPath = socketPath
        var configuration = FastCGIServerConfiguration(address: .unix(path: socketPath))
        configuration.ioThreads = 4
        configure(&configuration)
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        server = try FastCGIServer(configuration: configuration, responder: try router.responder(), logger: logger)
        let server = self.server
        running = Task.detached { await server.run() }
    }

    /// Shuts down gracefully and waits for the server to stop.
    func stop() async {
        server.shutdown()
        await running.value
    }
}

/// Runs `body` with a server for `router` and nginx in front of it; always stops both.
func withServerBehindNginx(
    _ router: Router, configure: (inout FastCGIServerConfiguration) -> Void = { _ in },
    _ body: (NginxHarness, InProcessServer) async throws -> Void
) async throws {
    let directory = try TemporaryDirectory()
    let server = try InProcessServer(socketPath: directory.file("app.sock"), router: router, configure: configure)
    do {
        let nginx = try await NginxHarness.start(directory: directory.path, socket: server.socketPath)
        defer { nginx.stop() }
        try await body(nginx, server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
