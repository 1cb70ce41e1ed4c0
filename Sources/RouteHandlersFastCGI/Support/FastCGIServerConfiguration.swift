/// How a ``FastCGIServer`` listens and serves.
public struct FastCGIServerConfiguration: Sendable {
    /// Where to listen.
    public var address: ListenAddress
    /// Permissions of a unix socket this server creates (PHP-FPM's `listen.mode`). Default 0660.
    public var socketMode: UInt32 = 0o660
    /// Owner and group of a unix socket this server creates (`listen.owner`, `listen.group`), when set.
    public var socketOwner: String?
    public var socketGroup: String?
    /// Event loops, one thread each: a loop owns its connections and runs their requests start to finish (read,
    /// handler, response), so a request never waits for another thread to wake. Default: one per core (at
    /// least 2), since more loops than cores only add switching between them; a pool's worker
    /// (`--processes N`) gets its share of the cores instead (``loopsPerWorker(processes:cores:)``). A handler that
    /// blocks its thread holds its loop's other connections until it returns: raise this when handlers make
    /// blocking calls.
    public var ioThreads: Int = max(2, Int(ProcessorCount.online))

    /// The event loops of each of a pool's `processes` workers when `--io-threads` is not given: the cores
    /// shared out, at least one each (a worker per core runs one loop, as a PHP-FPM child serves one request).
    /// N workers of one loop per core each would run N loops per core, and measured slower for it
    /// (Benchmarks/techempower/NOTES.md); a worker whose loop a handler blocks leaves the others serving.
    /// - Parameters:
    ///   - processes: the pool's workers.
    ///   - cores: the cores to share out; this machine's online ones by default.
    public static func loopsPerWorker(processes: Int, cores: Int? = nil) -> Int {
        let cores = max(1, cores ?? Int(ProcessorCount.online))
        let processes = max(1, processes)
        return max(1, (cores + processes - 1) / processes)
    }
    /// The largest request body accepted, in bytes; larger ones are answered 413. Default 10 MiB.
    public var maxBodySize: Int = 10 * 1024 * 1024
    /// The largest params stream (the request's CGI variables: headers, URL, server variables) accepted, in
    /// bytes. A request over it, or whose name-value lengths do not fit what it sends, is dropped and logged.
    /// Default 1 MiB, far more than nginx sends.
    public var maxParamsSize: Int = 1024 * 1024
    /// How long a graceful shutdown waits for requests in flight before cutting them off.
    public var shutdownTimeout: Duration = .seconds(30)
    /// Peers allowed to connect over TCP (`FCGI_WEB_SERVER_ADDRS` as libfcgi reads it, PHP-FPM's
    /// `listen.allowed_clients`): IPv4 or IPv6 addresses or CIDR ranges (`10.0.0.0/8`, `fd00::/8`); an IPv4
    /// peer on a dual-stack socket matches its IPv4 entry. Enforced on every TCP listener, however it was
    /// obtained (bound, inherited from a master, spawn-fcgi, systemd); other peers are closed before anything is
    /// read. `nil` or empty allows any; an entry that is not an address makes
    /// ``FastCGIServer/init(configuration:responder:logger:)`` throw.
    public var allowedClients: [String]?
    /// The listen backlog.
    public var backlog: Int32 = 1024
    /// Soft limit on a handler (`--request-timeout`): past it, its task is cancelled and the client gets 504
    /// problem+json. `nil`: none.
    public var requestTimeout: Duration?
    /// Hard limit (`--request-terminate-timeout`), from the request's start: a handler still running then makes
    /// the process stop taking connections, to be replaced by its master. `nil`: none.
    public var requestTerminateTimeout: Duration?
    /// Requests after which a supervised worker asks its master for a replacement (`--max-requests`, with up to
    /// 10% added at random so that workers do not all recycle at once). `nil`: never.
    public var maxRequests: Int?
    /// A request for this exact path gets the pool's status page, before routing (PHP-FPM's `pm.status_path`):
    /// plain text, `?json`, `?openmetrics` or `?html`, `?full` for the per-worker list. `nil`: none.
    public var statusPath: String?
    /// A request for this exact path gets `pong` (PHP-FPM's `ping.path`). `nil`: none.
    public var pingPath: String?
    /// A socket of its own for the status and ping paths (PHP-FPM's `pm.status_listen`), answered by a thread that
    /// runs no handler, so that they answer while handlers hold every event loop. Opened by ``Application``: the
    /// master under `--processes`, else the process itself. `nil`: none.
    public var statusListen: ListenAddress?
    /// Where to write one line per request (`-`: standard output). `nil`: no access log.
    public var accessLog: String?
    /// The access log's format, in PHP-FPM's `%` tokens (see <doc:Observability>); `nil`: the default.
    public var accessFormat: String?
    /// Where to log requests still running after ``slowlogTimeout``. `nil`: no slow log.
    public var slowlog: String?
    /// How long a request may run before it is logged as slow (with ``slowlog``).
    public var slowlogTimeout: Duration?
    public init(address: ListenAddress) {
        self.address = address
    }
}
