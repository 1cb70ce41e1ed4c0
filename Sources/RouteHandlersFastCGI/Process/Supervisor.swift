import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A PHP-FPM-style master (`--processes N`, like `pm = static`). It holds the listening socket and runs N
/// worker processes of the executable with that socket on fd 0:
///
/// - a worker that dies is replaced at once (with a back-off when they keep dying), naming its exit status;
/// - SIGHUP or SIGUSR2 reloads: one by one, a worker is started from the executable on disk now, and once it
///   accepts connections (and is still up half a second later) an old one is stopped gracefully (uWSGI's chain
///   reload); a new worker that fails to start or exits at once aborts the reload and the old ones keep serving;
/// - a worker is replaced the same way, one at a time, after `--max-requests` or past `--max-memory`, and at
///   once when a handler outlives `--request-terminate-timeout`;
/// - SIGTERM, SIGINT or SIGQUIT: the master closes its socket and passes the signal on, waits for the workers'
///   graceful shutdown (the same signal again kills them) and exits.
///
/// It is single-threaded: one poll loop over a signal pipe and each worker's control pipe.
struct Supervisor {
    /// Set in a worker's environment, so that it serves the inherited socket instead of supervising.
    static let workerVariable = "ROUTE_HANDLERS_WORKER"

    struct Settings: Sendable {
        var processes: Int
        /// Resident memory past which a worker is replaced.
        var maxMemory: Int?
        /// The workers' graceful shutdown; one that takes 5 s longer is killed.
        var shutdownTimeout: Duration = .seconds(30)
        /// How long a new worker may take to accept connections.
        var startTimeout: Duration = .seconds(30)
        /// How long a replacement must stay up once it accepts before the worker it replaces is stopped: one
        /// that exits at once aborts a reload instead of taking over.
        var probation: Duration = .milliseconds(500)
        /// Shared with the workers for the status page; the master frees a worker's slot when it exits.
        var scoreboard: Scoreboard?
        /// Reads the configuration again (the file, on SIGHUP), returning what the master applies itself; an
        /// error aborts the reload.
        var reconfigure: (@Sendable () throws(ServerError) -> Reconfiguration)?

        init(processes: Int) {
            self.processes = processes
        }
    }

    /// What a reload may change in the master: the rest the new workers read themselves as they start.
    struct Reconfiguration: Sendable {
        var processes: Int
        var maxMemory: Int?
        var shutdownTimeout: Duration
        /// Settings that changed but take a restart (the listening socket), for the log.
        var needsRestart: [String] = []
    }

    let settings: Settings
    let listener: ListeningSocket
    let logger: Logger
    /// systemd's notification socket, when the master runs as a `Type=notify` service.
    var notifier: SystemdNotifier?

    /// Runs until a termination signal and the workers' exit; returns the exit status.
    func run(signals: SignalHandler) -> Int32 {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            logger.critical("Cannot create the master's signal pipe: \(String(cString: strerror(errno)))")
            return 1
        }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        let signalWriter = ends[1]
        signals.onSignal { number in
            var byte = UInt8(truncatingIfNeeded: number)
            _ = write(signalWriter, &byte, 1)
        }
        guard let executable = WorkerLauncher.executablePath() else {
            logger.critical("Cannot tell which executable this process was started from; no workers started")
            listener.close()
            return 1
        }
        let master = Master(
            settings: settings,
            launcher: WorkerLauncher(executable: executable, listener: listener.fd, scoreboard: settings.scoreboard?.fd),
            signalPipe: ends[0], logger: logger)
        master.notifier = notifier
        logger.info("Supervising \(settings.processes) worker process(es) of \(executable) on \(listener.address)")
        // Stopping, the master closes its listener first: once the workers have closed theirs, a new connection
        // is refused (nginx tries another upstream) instead of waiting in a backlog nobody accepts from.
        master.onStop = { listener.close() }
        master.run()
        logger.info("All workers stopped")
        return 0
    }

    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        return signal == 0 ? "exit status \((status >> 8) & 0xFF)" : "killed by \(SignalHandler.name(signal))"
    }
}
