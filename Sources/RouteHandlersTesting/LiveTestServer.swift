import Logging
import RouteHandlers
import RouteHandlersFastCGI

/// The real server on a unix socket in a new temporary directory, running in a task of its own.
struct LiveTestServer {
    let server: FastCGIServer
    let task: Task<Void, Never>
    let directory: String
    var socketPath: String { directory + "/fcgi.sock" }

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
        unlink(socketPath)
        rmdir(directory)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
