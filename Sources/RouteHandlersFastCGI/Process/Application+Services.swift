import Logging
import ServiceLifecycle
import Synchronization

extension Application {
    /// Runs `server` and the application's services in one `ServiceGroup` until a graceful shutdown: the
    /// server stops first (it stops accepting and drains the requests in flight), then the services, in the
    /// reverse of their order in ``init(router:configuration:services:)``. Without services the server runs
    /// alone, as before there were any.
    ///
    /// `stop` receives the function that starts the graceful shutdown, for the signal handler.
    func runServices(beside server: FastCGIServer, logger: Logger, stop: (@escaping @Sendable () -> Void) -> Void) async throws {
        guard !services.isEmpty else {
            stop { server.shutdown() }
            await server.run()
            return
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) } + [
                    // Last, so shut down first; should it stop on its own, the others still shut down in order.
                    .init(service: server, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "FastCGIServer")
                ],
                // The application's SignalHandler turns SIGTERM, SIGINT and SIGQUIT into a graceful shutdown
                // (and a second one into an exit), as without services.
                gracefulShutdownSignals: [], cancellationSignals: [],
                logger: logger))
        stop { Task { await group.triggerGracefulShutdown() } }
        try await group.run()
    }

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
