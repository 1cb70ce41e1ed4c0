import ArgumentParser

/// The command-line options of a route-handlers executable, in the spellings spawn-fcgi and PHP-FPM users know.
/// Each has an environment variable for when the process is started by a supervisor that sets no arguments.
///
/// Embed them in your own command with `@OptionGroup var server: ServerOptions`.
public struct ServerOptions: ParsableArguments, Sendable {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Where to listen: a socket path, HOST:PORT, a port (on 127.0.0.1) or fd:N. [env: ROUTE_HANDLERS_LISTEN]",
            valueName: "address"))
    public var listen: String?

    @Option(name: [.customShort("s"), .long], help: ArgumentHelp("Unix socket path to create (as spawn-fcgi -s).", valueName: "path"))
    public var socket: String?

    @Option(
        name: [.customShort("a"), .long],
        help: ArgumentHelp("TCP host to bind, with --port (as spawn-fcgi -a). Default 127.0.0.1.", valueName: "host"))
    public var address: String?

    @Option(name: [.customShort("p"), .long], help: ArgumentHelp("TCP port to bind (as spawn-fcgi -p).", valueName: "port"))
    public var port: Int?

    @Option(
        name: [.customShort("M"), .customLong("socket-mode")],
        help: ArgumentHelp(
            "Mode of the unix socket, in octal. Default 0660. [env: ROUTE_HANDLERS_SOCKET_MODE]", valueName: "mode"))
    public var socketMode: String?

    @Option(
        name: [.customShort("U"), .customLong("socket-owner")],
        help: ArgumentHelp("Owner of the unix socket. [env: ROUTE_HANDLERS_SOCKET_OWNER]", valueName: "user"))
    public var socketOwner: String?

    @Option(
        name: [.customShort("G"), .customLong("socket-group")],
        help: ArgumentHelp(
            "Group of the unix socket, such as www-data. [env: ROUTE_HANDLERS_SOCKET_GROUP]", valueName: "group"))
    public var socketGroup: String?

    @Option(
        name: .customLong("io-threads"),
        help: ArgumentHelp(
            "Event loops (threads), each serving its connections' requests start to finish. Default: one per core, at least 2; under --processes N, each worker's share of the cores (at least 1). Raise it when handlers block. [env: ROUTE_HANDLERS_IO_THREADS]",
            valueName: "count"))
    public var ioThreads: Int?

    @Option(
        name: .customLong("max-body-size"),
        help: ArgumentHelp(
            "Largest request body accepted, such as 10m or 512k; larger ones get 413. A route's own bodyLimit replaces it. Default 10m. [env: ROUTE_HANDLERS_MAX_BODY_SIZE]",
            valueName: "size"))
    public var maxBodySize: String?

    @Option(
        name: .customLong("max-params-size"),
        help: ArgumentHelp(
            "Largest FastCGI params stream (the request's CGI variables) accepted, such as 1m; a request over it is dropped and logged. Default 1m. [env: ROUTE_HANDLERS_MAX_PARAMS_SIZE]",
            valueName: "size"))
    public var maxParamsSize: String?

    @Option(
        name: .customLong("shutdown-timeout"),
        help: ArgumentHelp(
            "How long a graceful shutdown waits for requests in flight: seconds or 1500ms, 2s, 1m. Default 30. [env: ROUTE_HANDLERS_SHUTDOWN_TIMEOUT]",
            valueName: "duration"))
    public var shutdownTimeout: String?

    @Option(
        name: .customLong("processes"),
        help: ArgumentHelp(
            "Worker processes under a master that restarts them, reloads them on SIGHUP/SIGUSR2 and recycles them (PHP-FPM's pm = static); auto = one per CPU. Without it, one process serves alone. [env: ROUTE_HANDLERS_PROCESSES]",
            valueName: "count|auto"))
    public var processes: String?

    @Option(
        name: .customLong("request-timeout"),
        help: ArgumentHelp(
            "Soft limit on a handler: past it its task is cancelled and the client gets 504. Default none. [env: ROUTE_HANDLERS_REQUEST_TIMEOUT]",
            valueName: "duration"))
    public var requestTimeout: String?

    @Option(
        name: .customLong("request-terminate-timeout"),
        help: ArgumentHelp(
            "Hard limit: a worker whose handler still runs this long after its request started stops taking connections and is replaced (PHP-FPM's request_terminate_timeout). Default none. [env: ROUTE_HANDLERS_REQUEST_TERMINATE_TIMEOUT]",
            valueName: "duration"))
    public var requestTerminateTimeout: String?

    @Option(
        name: .customLong("max-requests"),
        help: ArgumentHelp(
            "Replace a worker after about this many requests (plus up to 10% jitter), one worker at a time (PHP-FPM's pm.max_requests). Needs --processes. [env: ROUTE_HANDLERS_MAX_REQUESTS]",
            valueName: "count"))
    public var maxRequests: Int?

    @Option(
        name: .customLong("max-memory"),
        help: ArgumentHelp(
            "Replace a worker whose resident memory grows past this size, such as 512m (uWSGI's reload-on-rss). Needs --processes. [env: ROUTE_HANDLERS_MAX_MEMORY]",
            valueName: "size"))
    public var maxMemory: String?

    @Option(
        name: .customLong("status-path"),
        help: ArgumentHelp(
            "Answer this exact path with the pool's status, before routing (PHP-FPM's pm.status_path): text, ?json, ?openmetrics, ?html; ?full lists the workers. [env: ROUTE_HANDLERS_STATUS_PATH]",
            valueName: "path"))
    public var statusPath: String?

    @Option(
        name: .customLong("status-listen"),
        help: ArgumentHelp(
            "Also answer the status and ping paths on this socket (a path or HOST:PORT), from a thread no handler can block (PHP-FPM's pm.status_listen). [env: ROUTE_HANDLERS_STATUS_LISTEN]",
            valueName: "address"))
    public var statusListen: String?

    @Option(
        name: .customLong("ping-path"),
        help: ArgumentHelp(
            "Answer this exact path with pong (PHP-FPM's ping.path). [env: ROUTE_HANDLERS_PING_PATH]", valueName: "path"))
    public var pingPath: String?

    @Option(
        name: .customLong("access-log"),
        help: ArgumentHelp(
            "Write one line per request to this file (- for standard output); SIGUSR1 reopens it. [env: ROUTE_HANDLERS_ACCESS_LOG]",
            valueName: "path"))
    public var accessLog: String?

    @Option(
        name: .customLong("access-format"),
        help: ArgumentHelp(
            "The access log's format in PHP-FPM's % tokens, plus %{route}, %{request-id}, %{trace-id}. [env: ROUTE_HANDLERS_ACCESS_FORMAT]",
            valueName: "format"))
    public var accessFormat: String?

    @Option(
        name: .customLong("slowlog"),
        help: ArgumentHelp(
            "Log requests still running after --slowlog-timeout to this file; SIGUSR1 reopens it. [env: ROUTE_HANDLERS_SLOWLOG]",
            valueName: "path"))
    public var slowlog: String?

    @Option(
        name: .customLong("slowlog-timeout"),
        help: ArgumentHelp(
            "How long a request runs before the slow log records it, such as 1s or 500ms. Default 5s. [env: ROUTE_HANDLERS_SLOWLOG_TIMEOUT]",
            valueName: "duration"))
    public var slowlogTimeout: String?

    @Option(
        name: .customLong("allowed-clients"),
        help: ArgumentHelp(
            "Comma-separated peers allowed to connect over TCP, addresses or CIDR ranges (127.0.0.1,10.0.0.0/8,::1); others are closed at once. Default: any. [env: FCGI_WEB_SERVER_ADDRS]",
            valueName: "list"))
    public var allowedClients: String?

    @Option(
        name: [.customShort("c"), .customLong("config")],
        help: ArgumentHelp(
            "A configuration file of key = value lines, keys as these options' long names (max-body-size = 10m); the environment and the command line win over it; SIGHUP reads it again. [env: ROUTE_HANDLERS_CONFIG]",
            valueName: "path"))
    public var config: String?

    @Flag(
        name: [.customShort("t"), .customLong("check")],
        help: "Check the configuration (file, environment, options) and the route table, then exit (as php-fpm -t, nginx -t).")
    public var check = false

    public init() {}

    /// `environment` with the configuration file's settings below it (``config``, else `ROUTE_HANDLERS_CONFIG`);
    /// `environment` itself when there is no file.
    /// - Throws: ``ServerError`` naming the file and line of a syntax error or an unknown key.
    public func layeredEnvironment(_ environment: [String: String]) throws(ServerError) -> [String: String] {
        let path = config ?? environment["ROUTE_HANDLERS_CONFIG"]
        guard let path, !path.isEmpty else { return environment }
        return try ConfigurationFile.load(path).layered(under: environment)
    }

    /// Resolves options and environment into a server configuration; `nil` when neither names an address
    /// (the caller then looks for an inherited socket).
    public func configuration(environment: [String: String]) throws(ServerError) -> FastCGIServerConfiguration? {
        let environment = try layeredEnvironment(environment)
        guard let address = try listenAddress(environment: environment) else { return nil }
        var configuration = FastCGIServerConfiguration(address: address)
        try apply(to: &configuration, environment: environment)
        return configuration
    }

    func listenAddress(environment: [String: String]) throws(ServerError) -> ListenAddress? {
        let given = [listen != nil, socket != nil, port != nil].filter { $0 }.count
        guard given <= 1 else {
            throw ServerError(.invalidOption, "Give one of --listen, --socket or --port, not several.")
        }
        if address != nil, port == nil {
            throw ServerError(.invalidOption, "--address needs --port.")
        }
        if let listen { return try ListenAddress(parsing: listen) }
        if let socket { return .unix(path: socket) }
        if let port {
            guard (0...65535).contains(port) else { throw ServerError(.invalidOption, "The port must be 0-65535.") }
            return .tcp(host: address ?? ListenAddress.defaultHost, port: port)
        }
        if let listen = Self.given(nil, "--listen", environment, "ROUTE_HANDLERS_LISTEN") { return try ListenAddress(parsing: listen.text) }
        return nil
    }

    /// Applies every option (else its environment variable) to `configuration`: each read through ``given``, so
    /// that flags and variables share one syntax, one empty-value rule and one error text naming both.
    func apply(to configuration: inout FastCGIServerConfiguration, environment: [String: String]) throws(ServerError) {
        func given(_ option: String?, _ flag: String, _ variable: String) -> Given? {
            Self.given(option, flag, environment, variable)
        }
        if let mode = given(socketMode, "--socket-mode", "ROUTE_HANDLERS_SOCKET_MODE") {
            guard let value = UInt32(mode.text, radix: 8), value <= 0o777 else { throw mode.invalid("octal such as 0660") }
            configuration.socketMode = value
        }
        configuration.socketOwner = given(socketOwner, "--socket-owner", "ROUTE_HANDLERS_SOCKET_OWNER")?.text
        configuration.socketGroup = given(socketGroup, "--socket-group", "ROUTE_HANDLERS_SOCKET_GROUP")?.text
        if let threads = given(ioThreads.map(String.init), "--io-threads", "ROUTE_HANDLERS_IO_THREADS") {
            configuration.ioThreads = try threads.wholeNumber(in: 1...1024)
        }
        if let size = given(maxBodySize, "--max-body-size", "ROUTE_HANDLERS_MAX_BODY_SIZE") {
            configuration.maxBodySize = try size.byteCount()
        }
        if let size = given(maxParamsSize, "--max-params-size", "ROUTE_HANDLERS_MAX_PARAMS_SIZE") {
            configuration.maxParamsSize = try size.byteCount()
        }
        if let text = given(shutdownTimeout, "--shutdown-timeout", "ROUTE_HANDLERS_SHUTDOWN_TIMEOUT") {
            configuration.shutdownTimeout = try text.duration()
        }
        // 0 turns a limit off.
        if let text = given(requestTimeout, "--request-timeout", "ROUTE_HANDLERS_REQUEST_TIMEOUT") {
            let limit = try text.duration()
            configuration.requestTimeout = limit > .zero ? limit : nil
        }
        if let text = given(requestTerminateTimeout, "--request-terminate-timeout", "ROUTE_HANDLERS_REQUEST_TERMINATE_TIMEOUT") {
            let limit = try text.duration()
            configuration.requestTerminateTimeout = limit > .zero ? limit : nil
        }
        if let soft = configuration.requestTimeout, let hard = configuration.requestTerminateTimeout, hard < soft {
            throw ServerError(.invalidOption, "--request-terminate-timeout must not be shorter than --request-timeout.")
        }
        if let count = given(maxRequests.map(String.init), "--max-requests", "ROUTE_HANDLERS_MAX_REQUESTS") {
            let value = try count.wholeNumber(in: 0...Int.max)
            configuration.maxRequests = value > 0 ? value : nil
        }
        try applyObservability(to: &configuration, environment: environment)
        if let clients = given(allowedClients, "--allowed-clients", "FCGI_WEB_SERVER_ADDRS") {
            // Checked here, so that a master reports a bad entry once instead of its workers failing in a loop.
            let list = try ClientAllowList(parsing: clients.text, option: clients.names)
            configuration.allowedClients = list?.entries
        }
    }

    /// How many worker processes a master supervises; `nil` when neither `--processes` nor
    /// `ROUTE_HANDLERS_PROCESSES` is given, and the process serves alone.
    func processCount(environment: [String: String]) throws(ServerError) -> Int? {
        guard let given = Self.given(processes, "--processes", environment, "ROUTE_HANDLERS_PROCESSES") else { return nil }
        return try Self.processCount(given)
    }

    /// The master's settings, for `processes` workers.
    func supervisorSettings(processes: Int, configuration: FastCGIServerConfiguration, environment: [String: String]) throws(ServerError)
        -> Supervisor.Settings
    {
        var settings = Supervisor.Settings(processes: processes)
        settings.shutdownTimeout = configuration.shutdownTimeout
        if let size = Self.given(maxMemory, "--max-memory", environment, "ROUTE_HANDLERS_MAX_MEMORY") {
            let bytes = try size.byteCount()
            settings.maxMemory = bytes > 0 ? bytes : nil
        }
        return settings
    }

    /// The configuration read again (the file may have changed) for a master running `current`: what it applies
    /// itself, after checking everything the new workers will read.
    func reconfiguration(of current: FastCGIServerConfiguration, environment: [String: String]) throws(ServerError)
        -> Supervisor.Reconfiguration
    {
        let environment = try layeredEnvironment(environment)
        var configuration = FastCGIServerConfiguration(address: current.address)
        try apply(to: &configuration, environment: environment)
        let processes = try processCount(environment: environment) ?? 1
        let settings = try supervisorSettings(processes: processes, configuration: configuration, environment: environment)
        var result = Supervisor.Reconfiguration(
            processes: processes, maxMemory: settings.maxMemory, shutdownTimeout: settings.shutdownTimeout)
        if let address = try listenAddress(environment: environment), address != current.address { result.needsRestart.append("listen") }
        return result
    }
}
