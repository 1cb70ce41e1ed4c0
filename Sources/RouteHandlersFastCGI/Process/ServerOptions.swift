import ArgumentParser

/// The command-line options of a route-handlers executable, in the spellings spawn-fcgi and PHP-FPM users know.
/// Each has an environment variable for when the process is started by a supervisor that sets no arguments.
///
/// Embed them in your own command with `@OptionGroup var server: ServerOptions`.
public struct ServerOptions: ParsableArguments, Sendable {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Where to listen: a socket path, HOST:PORT, a port (on 127.0.0.1) or fd:N. [env: ROUTE_HANDLERS_LISTEN]",
        valueName: "address"))
    public var listen: String?

    @Option(name: [.customShort("s"), .long], help: ArgumentHelp("Unix socket path to create (as spawn-fcgi -s).", valueName: "path"))
    public var socket: String?

    @Option(name: [.customShort("a"), .long], help: ArgumentHelp("TCP host to bind, with --port (as spawn-fcgi -a). Default 127.0.0.1.", valueName: "host"))
    public var address: String?

    @Option(name: [.customShort("p"), .long], help: ArgumentHelp("TCP port to bind (as spawn-fcgi -p).", valueName: "port"))
    public var port: Int?

    @Option(name: [.customShort("M"), .customLong("socket-mode")], help: ArgumentHelp(
        "Mode of the unix socket, in octal. Default 0660. [env: ROUTE_HANDLERS_SOCKET_MODE]", valueName: "mode"))
    public var socketMode: String?

    @Option(name: [.customShort("U"), .customLong("socket-owner")], help: ArgumentHelp("Owner of the unix socket.", valueName: "user"))
    public var socketOwner: String?

    @Option(name: [.customShort("G"), .customLong("socket-group")], help: ArgumentHelp(
        "Group of the unix socket, such as www-data. [env: ROUTE_HANDLERS_SOCKET_GROUP]", valueName: "group"))
    public var socketGroup: String?

    @Option(name: .customLong("io-threads"), help: ArgumentHelp(
        "Threads that run handlers and write responses. [env: ROUTE_HANDLERS_IO_THREADS]", valueName: "count"))
    public var ioThreads: Int?

    @Option(name: .customLong("max-body-size"), help: ArgumentHelp(
        "Largest request body accepted, such as 10m or 512k; larger ones get 413. Default 10m. [env: ROUTE_HANDLERS_MAX_BODY_SIZE]",
        valueName: "size"))
    public var maxBodySize: String?

    @Option(name: .customLong("max-params-size"), help: ArgumentHelp(
        "Largest FastCGI params stream (the request's CGI variables) accepted, such as 1m; a request over it is dropped and logged. Default 1m. [env: ROUTE_HANDLERS_MAX_PARAMS_SIZE]",
        valueName: "size"))
    public var maxParamsSize: String?

    @Option(name: .customLong("shutdown-timeout"), help: ArgumentHelp(
        "Seconds a graceful shutdown waits for requests in flight. Default 30. [env: ROUTE_HANDLERS_SHUTDOWN_TIMEOUT]",
        valueName: "seconds"))
    public var shutdownTimeout: Int?

    @Option(name: .customLong("processes"), help: ArgumentHelp(
        "Worker processes sharing the socket, supervised and restarted if they die (PHP-FPM's pm = static). Default 1: no supervisor. [env: ROUTE_HANDLERS_PROCESSES]",
        valueName: "count"))
    public var processes: Int?

    @Option(name: .customLong("allowed-clients"), help: ArgumentHelp(
        "Comma-separated peer addresses allowed over TCP. [env: FCGI_WEB_SERVER_ADDRS]", valueName: "list"))
    public var allowedClients: String?

    public init() {}

    /// Resolves options and environment into a server configuration; `nil` when neither names an address
    /// (the caller then looks for an inherited socket).
    public func configuration(environment: [String: String]) throws(ServerError) -> FastCGIServerConfiguration? {
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
        if let listen = environment["ROUTE_HANDLERS_LISTEN"], !listen.isEmpty { return try ListenAddress(parsing: listen) }
        return nil
    }

    func apply(to configuration: inout FastCGIServerConfiguration, environment: [String: String]) throws(ServerError) {
        if let mode = socketMode ?? environment["ROUTE_HANDLERS_SOCKET_MODE"] {
            guard let value = UInt32(mode, radix: 8), value <= 0o777 else {
                throw ServerError(.invalidOption, "Invalid socket mode \"\(mode)\": expected octal such as 0660.")
            }
            configuration.socketMode = value
        }
        configuration.socketOwner = socketOwner ?? environment["ROUTE_HANDLERS_SOCKET_OWNER"]
        configuration.socketGroup = socketGroup ?? environment["ROUTE_HANDLERS_SOCKET_GROUP"]
        let environmentThreads = try Self.integer(environment, "ROUTE_HANDLERS_IO_THREADS")
        if let threads = ioThreads ?? environmentThreads {
            guard (1...1024).contains(threads) else { throw ServerError(.invalidOption, "--io-threads must be 1-1024.") }
            configuration.ioThreads = threads
        }
        if let size = maxBodySize ?? environment["ROUTE_HANDLERS_MAX_BODY_SIZE"] {
            configuration.maxBodySize = try Self.byteCount(size)
        }
        if let size = maxParamsSize ?? environment["ROUTE_HANDLERS_MAX_PARAMS_SIZE"] {
            configuration.maxParamsSize = try Self.byteCount(size)
        }
        let environmentTimeout = try Self.integer(environment, "ROUTE_HANDLERS_SHUTDOWN_TIMEOUT")
        if let seconds = shutdownTimeout ?? environmentTimeout {
            guard seconds >= 0 else { throw ServerError(.invalidOption, "--shutdown-timeout must not be negative.") }
            configuration.shutdownTimeout = .seconds(seconds)
        }
        if let clients = allowedClients ?? environment["FCGI_WEB_SERVER_ADDRS"], !clients.isEmpty {
            configuration.allowedClients = clients.split(separator: ",").map { $0.filter { $0 != " " } }
        }
    }

    /// How many supervised worker processes to run; 1 means this process serves by itself.
    func processCount(environment: [String: String]) throws(ServerError) -> Int {
        let fromEnvironment = try Self.integer(environment, "ROUTE_HANDLERS_PROCESSES")
        let count = processes ?? fromEnvironment ?? 1
        guard (1...256).contains(count) else { throw ServerError(.invalidOption, "--processes must be 1-256.") }
        return count
    }

    private static func integer(_ environment: [String: String], _ name: String) throws(ServerError) -> Int? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw ServerError(.invalidOption, "\(name) must be a whole number, not \"\(text)\".") }
        return value
    }

    /// `10m`, `512k`, `1g` or a plain byte count (nginx's size syntax).
    static func byteCount(_ text: String) throws(ServerError) -> Int {
        let lower = text.lowercased()
        let multiplier: Int
        var digits = Substring(lower)
        switch lower.last {
        case "k": multiplier = 1024; digits = digits.dropLast()
        case "m": multiplier = 1024 * 1024; digits = digits.dropLast()
        case "g": multiplier = 1024 * 1024 * 1024; digits = digits.dropLast()
        default: multiplier = 1
        }
        guard let value = Int(digits), value >= 0, value <= Int.max / multiplier else {
            throw ServerError(.invalidOption, "Invalid size \"\(text)\": expected bytes or a number with k, m or g.")
        }
        return value * multiplier
    }
}
