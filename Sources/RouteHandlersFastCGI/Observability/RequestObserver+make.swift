import Logging

#if canImport(Glibc)
import Glibc
#endif

extension RequestObserver {
    /// The observer `configuration` asks for (with metrics and tracing when bootstrapped); `nil` when nothing is
    /// observed. Opens the log files: a path that cannot be opened is an error at start.
    /// `scoreboard` and `masterPID` are a supervised worker's (see `SupervisedWorker`).
    static func make(
        _ configuration: FastCGIServerConfiguration, scoreboard: Scoreboard?, masterPID: Int32?, listener: ListeningSocket, logger: Logger
    ) throws(ServerError) -> RequestObserver? {
        if configuration.slowlogTimeout != nil, configuration.slowlog == nil {
            logger.warning("--slowlog-timeout needs --slowlog (a file to write slow requests to); ignored")
        }
        let metrics = RequestMetrics.ifBootstrapped()
        let tracing = RequestTracing.ifBootstrapped()
        guard
            configuration.statusPath != nil || configuration.pingPath != nil || configuration.accessLog != nil
                || configuration.slowlog != nil || metrics != nil || tracing != nil
        else { return nil }
        let pool = StatusPage.poolName

        var slot: WorkerSlot?
        var statusPage: StatusPage?
        if configuration.statusPath != nil || configuration.slowlog != nil {
            if let board = scoreboard ?? Scoreboard.create(slots: 1) {
                slot = WorkerSlot.claim(in: board)
                if slot == nil { logger.warning("The status scoreboard has no free slot; this worker's requests are not counted") }
                statusPage = StatusPage(board: board, pool: pool, listener: listener.fd, isTCP: listener.isTCP)
            } else {
                logger.warning("Cannot create the status scoreboard: \(String(cString: strerror(errno)))")
            }
        }

        var accessLog: AccessLog?
        if let path = configuration.accessLog {
            let format: AccessLogFormat
            do {
                format = try AccessLogFormat(configuration.accessFormat ?? AccessLogFormat.defaultFormat)
            } catch {
                throw ServerError(.invalidOption, "Invalid --access-format: \(error.message).")
            }
            accessLog = AccessLog(file: try LogFile(path: path), format: format, pool: pool, masterPID: masterPID ?? getpid())
        }
        var slowLog: SlowLog?
        if let path = configuration.slowlog {
            let timeout = configuration.slowlogTimeout ?? .seconds(5)
            slowLog = SlowLog(file: try LogFile(path: path), timeout: timeout, onSlow: { [slot] in slot?.countSlow() })
        }
        return RequestObserver(
            statusPath: configuration.statusPath, pingPath: configuration.pingPath, slot: slot, statusPage: statusPage,
            accessLog: accessLog, slowLog: slowLog, metrics: metrics, tracing: tracing)
    }
}
