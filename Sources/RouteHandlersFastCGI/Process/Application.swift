import ArgumentParser
import Dispatch
import Logging
import RouteHandlers
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The entry point of a route-handlers executable. It picks how to serve from how it was started:
///
/// - with `--listen`, `--socket` or `--port` (or `ROUTE_HANDLERS_LISTEN`): a FastCGI server on a socket it
///   opens itself;
/// - with a listening socket on fd 0 (spawn-fcgi, systemd `StandardInput=socket`) or systemd socket activation
///   (`LISTEN_FDS`): a FastCGI server on that socket;
/// - in a CGI environment (`GATEWAY_INTERFACE` and `REQUEST_METHOD`, no socket on fd 0): one request as a CGI
///   script, then exit; command-line arguments are then ignored (see ``run(arguments:environment:)``);
/// - otherwise (run from a terminal): a short usage text, exit status 64.
///
/// ```swift
/// var router = Router()
/// router.get("/api/hello") { _, _ in .json(["message": "Hello, World!"]) }
/// await Application(router: router).run()
/// ```
public struct Application: Sendable {
    /// Builds the responder from the path a CGI script is mounted at ("" when none), which the router strips
    /// before routing, and the environment (`ROUTE_HANDLERS_DEV`, `ROUTE_HANDLERS_TRUSTED_PROXIES`).
    let makeResponder: @Sendable (_ mountPoint: String, _ environment: [String: String]) throws -> any HTTPResponder
    /// Run beside the server in one `ServiceGroup` (see ``init(router:configuration:services:)``).
    let services: [any Service]
    /// Renders the router's force-static routes for `export`; `nil` for an app built from a bare responder.
    let renderStatic: (@Sendable (_ environment: [String: String]) async throws -> [StaticAnswer])?

    /// Serves `router`. Run as a CGI script mounted at `SCRIPT_NAME` (such as `/cgi-bin/app`), it routes on
    /// what follows (`PATH_INFO`), under `configuration.basePath` if set.
    ///
    /// `services` (swift-service-lifecycle, such as postgres-nio's `PostgresClient`) run beside the server in
    /// one `ServiceGroup`: on SIGTERM, SIGINT or SIGQUIT the server stops first and drains, then the services
    /// shut down gracefully, in reverse order. Under `--processes N` every worker runs its own; as a CGI script
    /// they run for the one request.
    public init(router: Router, configuration: RouteResponder.Configuration = .init(), services: [any Service] = []) {
        self.makeResponder = { mountPoint, environment in
            var configuration = try configuration.applying(environment: environment)
            configuration.basePath = mountPoint + configuration.basePath
            if configuration.revalidator == nil, let via = environment["ROUTE_HANDLERS_REVALIDATE_VIA"], !via.isEmpty {
                configuration.revalidator = NginxCacheRevalidator(address: try Self.revalidationAddress(via))
            }
            // A pool's workers (and a CGI script's processes) count rate limits together.
            // (In place of the one-process defaults only: an app's own, such as one in its database, stays.)
            if let pool = PoolDirectory.configured(environment: environment, cgi: CGIGateway.isCGIEnvironment(environment)) {
                if configuration.rateLimiter is MemoryRateLimiter {
                    configuration.rateLimiter = SharedRateLimiter(directory: pool.path, parent: pool.parent)
                }
                if configuration.taggedPathIndex is MemoryTaggedPathIndex {
                    configuration.taggedPathIndex = SharedTaggedPathIndex(directory: pool.path, parent: pool.parent)
                }
            }
            return try router.responder(configuration: configuration)
        }
        self.renderStatic = { environment in
            try await StaticRenderer.render(router, configuration: try configuration.applying(environment: environment))
        }
        self.services = services
    }

    /// Where `ROUTE_HANDLERS_REVALIDATE_VIA` says nginx listens.
    static func revalidationAddress(_ text: String) throws(ServerError) -> ListenAddress {
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: text)
        } catch {
            throw ServerError(.invalidOption, "ROUTE_HANDLERS_REVALIDATE_VIA: \(error.message)")
        }
        if case .inherited = address {
            throw ServerError(
                .invalidOption, "ROUTE_HANDLERS_REVALIDATE_VIA names where nginx listens (HOST:PORT or a socket path), not a descriptor.")
        }
        return address
    }

    /// Serves `responder`, which sees every request's full public path, with `services` beside it (see
    /// ``init(router:configuration:services:)``).
    public init(responder: some HTTPResponder, services: [any Service] = []) {
        self.makeResponder = { _, _ in responder }
        self.renderStatic = nil
        self.services = services
    }

    /// Serves as the way the process was started tells (see ``Application``), until stopped by SIGTERM, SIGINT
    /// or SIGQUIT (graceful: requests in flight finish), then exits; as CGI, after the one request.
    ///
    /// In a CGI environment `arguments` are not parsed: a CGI host may pass the words of a query without `=`
    /// as arguments (RFC 3875 4.4), and a client must never be able to choose options (php-cgi's
    /// CVE-2012-1823). `environment` defaults to the process environment.
    public func run(arguments: [String] = CommandLine.arguments, environment: [String: String]? = nil) async -> Never {
        let cgi = environment.map { CGIEnvironment(params: $0.map { (name: $0.key, value: $0.value) }) } ?? .process()
        let environment = environment ?? cgi.dictionary
        if CGIGateway.isCGIEnvironment(environment), environment["ROUTE_HANDLERS_LISTEN"] == nil,
            Self.inheritedSocket(environment: environment) == nil
        {
            await runCGI(cgi)
        }

        if arguments.dropFirst().first == "export" {
            await runExport(Array(arguments.dropFirst(2)), environment: environment)
        }
        let options: ServerOptions
        do {
            options = try ServerOptions.parse(Array(arguments.dropFirst()))
        } catch {
            ServerOptions.exit(withError: error)
        }
        Self.bootstrapLogging(environment: environment)
        let logger = Logger(label: "route-handlers")
        let responder: any HTTPResponder
        do {
            responder = try makeResponder("", environment)
        } catch {
            Self.fail("the route table is invalid:\n\(error)")
        }

        do throws(ServerError) {
            let processEnvironment = environment
            // The settings: the command line over the environment over the configuration file.
            let environment = try options.layeredEnvironment(environment)
            // A worker started by a supervisor serves the socket on its fd 0, whatever the arguments say.
            let worker = environment[Supervisor.workerVariable] != nil && ListeningSocket.isListeningSocket(0)
            let processes = worker ? nil : try options.processCount(environment: environment)
            // The one configuration this process serves with: the options over an address (the one named, else the
            // socket the process was started with).
            var address: ListenAddress? = worker ? .inherited(fd: 0) : try options.listenAddress(environment: environment)
            if address == nil { address = Self.inheritedSocket(environment: environment).map { .inherited(fd: $0) } }
            // Built once, for the check and for serving (without an address, the check reads fd 0's place).
            var configuration = FastCGIServerConfiguration(address: address ?? .inherited(fd: 0))
            try options.apply(to: &configuration, environment: environment)
            if options.check {
                if let processes {
                    _ = try options.supervisorSettings(processes: processes, configuration: configuration, environment: environment)
                }
                let file = options.config ?? processEnvironment["ROUTE_HANDLERS_CONFIG"]
                // The route table was built above: it is valid too.
                let line = "configuration \(file.map { "file \($0) " } ?? "")test is successful\n"
                _ = CGIGateway.writeAll(Array(line.utf8))
                exit(0)
            }
            guard address != nil else {
                if processes != nil {
                    throw ServerError(
                        .invalidOption, "--processes needs a socket: --listen, --socket or --port, or one on fd 0 (spawn-fcgi).")
                }
                Self.printUsage(arguments)
            }
            if !worker, processes == nil,
                ServerOptions.given(options.maxMemory, "--max-memory", environment, "ROUTE_HANDLERS_MAX_MEMORY") != nil
            {
                logger.warning("--max-memory needs a master (--processes); ignored")
            }
            if worker {
                // The master serves --status-listen.
                configuration.statusListen = nil
                if ServerOptions.given(options.ioThreads.map(String.init), "--io-threads", environment, "ROUTE_HANDLERS_IO_THREADS") == nil
                {
                    configuration.ioThreads = Self.cores
                }
                let supervised = SupervisedWorker(scoreboard: Scoreboard.inherited(environment: environment), masterPID: getppid())
                var workerLogger = logger
                workerLogger[metadataKey: "worker"] = "\(getpid())"
                exit(
                    await serve(
                        configuration, responder: responder, logger: workerLogger,
                        master: WorkerChannel.inherited(environment: environment),
                        supervised: supervised))
            } else if let processes {
                var settings = try options.supervisorSettings(processes: processes, configuration: configuration, environment: environment)
                let current = configuration
                settings.reconfigure = { () throws(ServerError) -> Supervisor.Reconfiguration in
                    try options.reconfiguration(of: current, environment: processEnvironment)
                }
                exit(try supervise(configuration, settings: settings, environment: environment, logger: logger))
            } else {
                exit(
                    await serve(
                        configuration, responder: responder, logger: logger, master: nil,
                        notifier: SystemdNotifier(environment: environment)))
            }
        } catch {
            Self.fail(error.message)
        }
    }

    /// Run from a terminal with no socket: what to type instead, exit status 64.
    private static func printUsage(_ arguments: [String]) -> Never {
        let name = arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "app"
        var usage = "\(name): a route-handlers application, served by a web server through FastCGI or CGI.\n\n"
        usage += "Start it with a socket to listen on, for example:\n"
        usage += "  \(name) --listen /run/\(name).sock --processes auto   (a unix socket, mode 0660; a master and a worker per CPU)\n"
        usage += "  \(name) --listen 127.0.0.1:9000\n"
        usage += "  spawn-fcgi -n -s /run/\(name).sock -- \(name) --processes auto\n"
        usage += "or run it as a CGI script from a web server. '\(name) --help' lists every option.\n"
        _ = CGIGateway.writeAll(Array(usage.utf8))
        exit(64)
    }

    /// Serves until a termination signal; returns the exit status. A supervised worker (`master` set) tells its
    /// master when it accepts connections and when it wants replacing, and stops if the master goes away.
    private func serve(
        _ configuration: FastCGIServerConfiguration, responder: any HTTPResponder, logger: Logger, master: WorkerChannel?,
        supervised: SupervisedWorker = SupervisedWorker(), notifier: SystemdNotifier? = nil
    ) async -> Int32 {
        // Signal dispositions before the server starts its threads.
        let signals = SignalHandler.install([SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2, SIGUSR1])
        Self.raiseOpenFileLimit(logger: logger)
        var supervised = supervised
        if let master {
            supervised.onRetire = { reason in master.send(reason == .stuck ? .stuck : .maxRequests) }
        } else if configuration.maxRequests != nil {
            logger.warning("--max-requests needs a master (--processes); ignored")
        }
        let server: FastCGIServer
        do {
            server = try FastCGIServer(configuration: configuration, responder: responder, logger: logger, worker: supervised)
        } catch {
            Self.fail(error.message)
        }
        // The server alone, or in a ServiceGroup with the application's services: shutting it down starts either.
        let lifecycle = ServerLifecycle(server: server, services: services, logger: logger)
        let stopping = Atomic<Bool>(false)
        signals.onSignal { signal in
            if signal == SIGUSR1 {
                logger.info("Received SIGUSR1; reopening the log files")
                server.reopenLogs()
                return
            }
            if signal == SIGHUP || signal == SIGUSR2 {
                if master == nil {
                    logger.warning("Received \(SignalHandler.name(signal)): reloading needs a master (--processes); ignored")
                }
                return
            }
            if stopping.exchange(true, ordering: .relaxed) {
                // Ctrl-C twice exits at once; a worker leaves that to its master (Ctrl-C reaches both).
                if master == nil { exit(128 + signal) }
                return
            }
            logger.info("Received \(SignalHandler.name(signal)); shutting down gracefully")
            notifier?.stopping(status: "Shutting down gracefully (\(SignalHandler.name(signal)))")
            lifecycle.shutdown()
        }
        if let master {
            master.onMasterExit {
                logger.warning("The master process went away; shutting down gracefully")
                lifecycle.shutdown()
            }
            master.send(.ready)
        }
        let statusListener: StatusListener?
        do {
            statusListener = try StatusListener.start(configuration, page: server.observer?.statusPage, logger: logger)
        } catch {
            Self.fail(error.message)
        }
        defer { statusListener?.stop() }
        // Serving alone under systemd (Type=notify): the socket is open and the loops start with run().
        notifier?.ready(status: "Serving on \(server.boundAddress)")
        do {
            try await lifecycle.run()
        } catch {
            Self.fail("a service failed: \(error)")
        }
        // A handler stuck past --request-terminate-timeout: exit non-zero, so that a service manager restarts
        // a process that serves alone.
        return server.limits.isStuck.load(ordering: .relaxed) ? 75 : 0
    }

    private func supervise(
        _ configuration: FastCGIServerConfiguration, settings: Supervisor.Settings, environment: [String: String], logger: Logger
    ) throws(ServerError) -> Int32 {
        let signals = SignalHandler.install([SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2, SIGUSR1])
        // The workers open the logs: a path they cannot open is reported here, once, not by a crash loop.
        for path in [configuration.accessLog, configuration.slowlog].compactMap({ $0 }) where path != "-" {
            close(try LogFile.open(path))
        }
        var settings = settings
        // Also for a pool without a status page: its workers balance their connections through it (PoolBalance).
        if settings.processes > 1 || configuration.statusPath != nil || configuration.slowlog != nil {
            // Room for a replacement beside every worker, and for workers still exiting.
            settings.scoreboard = Scoreboard.create(slots: settings.processes * 2 + 2)
            if settings.scoreboard == nil { logger.warning("Cannot create the status scoreboard: \(String(cString: strerror(errno)))") }
        }
        let listener = try ListeningSocket.open(
            configuration.address,
            unix: .init(mode: mode_t(configuration.socketMode), owner: configuration.socketOwner, group: configuration.socketGroup),
            backlog: configuration.backlog)
        let page = settings.scoreboard.map {
            StatusPage(board: $0, pool: StatusPage.poolName, listener: listener.fd, isTCP: listener.isTCP)
        }
        let statusListener = try StatusListener.start(configuration, page: page, logger: logger)
        defer { statusListener?.stop() }
        // Made before the first worker starts: each inherits its name.
        let pool = PoolDirectory.make(environment: environment, logger: logger)
        defer { pool?.remove() }
        var supervisor = Supervisor(settings: settings, listener: listener, logger: logger)
        supervisor.notifier = SystemdNotifier(environment: environment)
        return supervisor.run(signals: signals)
    }

    /// Idle kept-alive connections cost no thread here, so nginx may keep hundreds per worker; each is a
    /// descriptor. Raise the soft limit to the hard one, as Go's runtime does, instead of failing at 1024.
    static func raiseOpenFileLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        let previous = limit.rlim_cur
        limit.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            logger.debug("Raised the open file limit from \(previous) to \(limit.rlim_max)")
        }
    }

    /// The socket the process was started with: systemd socket activation's fd 3, or a listening socket on
    /// fd 0 (spawn-fcgi).
    static func inheritedSocket(environment: [String: String]) -> Int32? {
        if let pid = environment["LISTEN_PID"].flatMap({ Int32($0) }), pid == getpid(),
            let count = environment["LISTEN_FDS"].flatMap({ Int($0) }), count >= 1
        {
            return 3
        }
        return ListeningSocket.isListeningSocket(0) ? 0 : nil
    }

    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }

    static func bootstrapLogging(environment: [String: String]) {
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func fail(_ message: String) -> Never {
        let line = Array("error: \(message)\n".utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
        exit(1)
    }
}
