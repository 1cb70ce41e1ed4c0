import Logging
import ServiceLifecycle
import Synchronization

/// The server alone, or in one `ServiceGroup` with the application's services: the server last, so that a
/// graceful shutdown stops it first (it stops accepting and drains the requests in flight), then the services, in
/// the reverse of their order in ``Application/init(router:configuration:services:)``. Without services the server
/// runs alone, as before there were any.
struct ServerLifecycle: Sendable {
    let server: FastCGIServer
    let group: ServiceGroup?

    init(server: FastCGIServer, services: [any Service], logger: Logger) {
        self.server = server
        guard !services.isEmpty else {
            self.group = nil
            return
        }
        self.group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) } + [
                    // Should it stop on its own, the others still shut down in order.
                    .init(service: server, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "FastCGIServer")
                ],
                // The application's SignalHandler turns SIGTERM, SIGINT and SIGQUIT into ``shutdown()`` (and a
                // second one into an exit), as without services.
                gracefulShutdownSignals: [], cancellationSignals: [],
                logger: logger))
    }

    /// Starts the graceful shutdown; from any thread (a signal handler).
    func shutdown() {
        if let group {
            Task { await group.triggerGracefulShutdown() }
        } else {
            server.shutdown()
        }
    }

    /// Runs until the server has drained and every service has stopped.
    func run() async throws {
        if let group {
            try await group.run()
        } else {
            await server.run()
        }
    }
}

extension Application {
    /// Runs `request` (the one request of a CGI invocation) with the application's services running beside it:
    /// they are started before it and shut down gracefully once it has been answered.
    func withServices(logger: Logger, _ request: @escaping @Sendable () async -> Bool) async throws -> Bool {
        guard !services.isEmpty else { return await request() }
        let outcome = CGIRequestService(body: request)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) } + [
                    .init(service: outcome, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "CGIRequest")
                ],
                logger: logger))
        try await group.run()
        return outcome.written.withLock { $0 }
    }
}

/// The one request of a CGI invocation as a service: it returns once the response is written, which shuts the
/// group down.
final class CGIRequestService: Service {
    let body: @Sendable () async -> Bool
    let written = Mutex(false)

    init(body: @escaping @Sendable () async -> Bool) {
        self.body = body
    }

    func run() async {
        let result = await body()
        written.withLock { $0 = result }
    }
}
