import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A PHP-FPM-style master (`--processes N`, like `pm = static`): it opens the listening socket once, starts N
/// worker processes of the same executable with that socket on fd 0, restarts any worker that dies (a crash
/// in one worker never takes the socket down), and on SIGTERM, SIGINT or SIGQUIT passes the signal on, waits for
/// the workers' graceful shutdown and removes the socket.
struct Supervisor {
    /// Set in a worker's environment, so that it serves the inherited socket instead of supervising.
    static let workerVariable = "ROUTE_HANDLERS_WORKER"

    let processes: Int
    let listener: ListeningSocket
    let logger: Logger

    /// Runs until a termination signal and the workers' exit; returns the exit status.
    func run(signals: SignalHandler) -> Int32 {
        let state = Mutex<(stopping: Bool, workers: Set<pid_t>)>((false, []))
        signals.onSignal { signal in
            let workers = state.withLock { state in
                state.stopping = true
                return state.workers
            }
            logger.info("Received signal \(signal); stopping \(workers.count) worker(s)")
            for pid in workers { kill(pid, signal) }
        }
        var recentCrashes: [ContinuousClock.Instant] = []
        for _ in 0..<processes {
            guard let pid = spawnWorker() else { return 1 }
            state.withLock { _ = $0.workers.insert(pid) }
        }
        logger.info("Supervising \(processes) worker process(es) on \(listener.address)")
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                break  // ECHILD: no workers left
            }
            let stopping = state.withLock { state in
                state.workers.remove(pid)
                return state.stopping
            }
            if stopping {
                if state.withLock({ $0.workers.isEmpty }) { break }
                continue
            }
            logger.warning("Worker \(pid) exited (\(Self.describe(status))); starting another")
            // A worker that dies at once over and over would otherwise spin: slow down, as PHP-FPM does.
            let now = ContinuousClock.now
            recentCrashes = recentCrashes.filter { now - $0 < .seconds(10) } + [now]
            if recentCrashes.count > 5 { usleep(1_000_000) }
            if let replacement = spawnWorker() {
                let stopped = state.withLock { state in
                    state.workers.insert(replacement)
                    return state.stopping
                }
                if stopped { kill(replacement, SIGTERM) }
            }
        }
        listener.close()
        logger.info("All workers stopped")
        return 0
    }

    /// Starts this executable again, with the listening socket as its fd 0 and the same arguments.
    private func spawnWorker() -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, listener.fd, 0)
        // Workers start with default signal handling; the master's ignored signals must not leak into them.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGQUIT, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var environment: [UnsafeMutablePointer<CChar>?] = [strdup("\(Self.workerVariable)=1")]
        var cursor = environ
        while let entry = cursor.pointee {
            if !String(cString: entry).hasPrefix(Self.workerVariable + "=") { environment.append(strdup(entry)) }
            cursor += 1
        }
        environment.append(nil)
        defer { environment.forEach { free($0) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, arguments, environment)
        guard result == 0 else {
            logger.error("Cannot start a worker: \(String(cString: strerror(result)))")
            return nil
        }
        return pid
    }

    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        return signal == 0 ? "exit status \((status >> 8) & 0xFF)" : "signal \(signal)"
    }
}
