import Foundation
import Logging
import RouteHandlers
@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness

/// nginx with the project's config plus `extra` directives in its server block (such as an `internal`
/// location for X-Accel-Redirect), in front of an in-process server with a given responder configuration.
func withCustomServerBehindNginx(
    _ router: Router, responder configuration: RouteResponder.Configuration = .init(), nginxServerExtra extra: String = "",
    _ body: (_ port: Int, _ directory: String) async throws -> Void
) async throws {
    let directory = try TemporaryDirectory()
    let socket = directory.file("app.sock")
    var logger = Logger(label: "test-server")
    logger.logLevel = .warning
    var serverConfiguration = FastCGIServerConfiguration(address: .unix(path: socket))
    serverConfiguration.ioThreads = 4
    let server = try FastCGIServer(configuration: serverConfiguration, responder: try router.responder(configuration: configuration), logger: logger)
    let running = Task.detached { await server.run() }
    do {
        let prefix = directory.path + "/nginx"
        let (port, process) = try await offload { () throws -> (Int, ChildProcess) in
            let port = try freeLoopbackPort()
            let rendered = try runCommandBlocking(repositoryRoot + "/nginx/render-config", [prefix, socket, "127.0.0.1:\(port)"])
            guard rendered.status == 0 else { throw HarnessError("render-config failed: \(rendered.error)") }
            let site = prefix + "/site.conf"
            var text = try String(contentsOfFile: site, encoding: .utf8)
            guard let close = text.lastIndex(of: "}") else { throw HarnessError("unexpected site.conf") }
            text.insert(contentsOf: extra + "\n", at: close)
            try text.write(toFile: site, atomically: true, encoding: .utf8)
            let process = try ChildProcess(
                "/usr/sbin/nginx", ["-p", prefix, "-c", prefix + "/nginx.conf", "-e", prefix + "/error.log", "-g", "daemon off;"],
                logPrefix: directory.path + "/nginx-process")
            guard waitUntil(seconds: 10, { canConnect(tcpPort: port) }) else {
                process.stop()
                throw HarnessError("nginx did not start: \(process.errorOutput)")
            }
            return (port, process)
        }
        defer { process.stop(signal: SIGQUIT) }
        try await body(port, directory.path)
    } catch {
        server.shutdown()
        await running.value
        throw error
    }
    server.shutdown()
    await running.value
}
