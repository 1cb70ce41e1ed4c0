import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

extension Supervisor {
    /// The master's state, touched by its one thread only.
    final class Master {
        /// As started, then as the last reload read them (`processes`, `maxMemory`, `shutdownTimeout`).
        var settings: Settings
        let launcher: WorkerLauncher
        let signalPipe: Int32
        let logger: Logger
        var workers: [pid_t: Worker] = [:]
        /// Replacements waiting their turn, and the one in progress (its new worker's pid).
        var queue: [Replacement] = []
        var current: InProgress?
        var stopping = false
        var stopSignal: Int32?
        var forceKillAt: ContinuousClock.Instant?
        var recentExits: [ContinuousClock.Instant] = []
        var nextSpawn = ContinuousClock.now
        var nextMemoryCheck = ContinuousClock.now
        /// Called once, when stopping begins (closes the listening socket).
        var onStop: () -> Void = {}
        /// systemd's notification socket (`Type=notify-reload`), and what it has been told.
        var notifier: SystemdNotifier?
        var announcedReady = false
        var nextWatchdog = ContinuousClock.now

        init(settings: Settings, launcher: WorkerLauncher, signalPipe: Int32, logger: Logger) {
            self.settings = settings
            self.launcher = launcher
            self.signalPipe = signalPipe
            self.logger = logger
        }

        func run() {
            while true {
                if !stopping {
                    startNextReplacement()
                    fillUp()
                } else if workers.isEmpty {
                    return
                }
                waitForEvents()
                reap()
                checkDeadlines()
                finishReplacementAfterProbation()
                checkMemory()
                notifyServiceManager()
            }
        }

        // MARK: - Events

        func waitForEvents() {
            let watched = workers.values.filter { $0.control >= 0 }
            var fds = [pollfd(fd: signalPipe, events: Int16(POLLIN), revents: 0)]
            fds += watched.map { pollfd(fd: $0.control, events: Int16(POLLIN), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), pollTimeout())
            if fds[0].revents != 0 { readSignals() }
            for (index, worker) in watched.enumerated() where fds[index + 1].revents != 0 {
                readMessages(from: worker)
            }
        }

        /// Milliseconds until the next deadline; short while a worker's pipe has closed but it is not reaped.
        func pollTimeout() -> Int32 {
            // A worker exits right after its pipe closes: look again soon (for a while: an app that closed fd 3
            // itself must not make the master spin).
            if workers.values.contains(where: { $0.controlClosed.map { .now - $0 < .seconds(2) } ?? false }) { return 10 }
            var next = ContinuousClock.now + .seconds(1)
            if settings.maxMemory != nil { next = min(next, nextMemoryCheck) }
            if !stopping, nextSpawn > .now { next = min(next, nextSpawn) }
            if let forceKillAt { next = min(next, forceKillAt) }
            if notifier?.watchdogInterval != nil { next = min(next, nextWatchdog) }
            if let ends = current?.probationEnds { next = min(next, ends) }
            for worker in workers.values {
                switch worker.state {
                case .starting(let deadline, _): next = min(next, deadline)
                case .retiring(let killAt): next = min(next, killAt)
                case .serving: break
                }
            }
            let wait = next - .now
            return Int32(max(0, min(1000, wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000 + 1)))
        }

        func readSignals() {
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = read(signalPipe, &buffer, buffer.count)
            guard count > 0 else { return }
            for byte in buffer[..<count] { handleSignal(Int32(byte)) }
        }

        func readMessages(from worker: Worker) {
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = read(worker.control, &buffer, buffer.count)
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
                // The worker exited (or is exiting): reap() hears of it.
                close(worker.control)
                worker.control = -1
                worker.controlClosed = .now
                return
            }
            guard count > 0 else { return }
            for byte in buffer[..<count] {
                switch WorkerChannel.Message(rawValue: byte) {
                case .ready: workerIsReady(worker)
                case .maxRequests: queueReplacement(of: worker, reason: "it served its --max-requests", isReload: false)
                case .stuck: workerIsStuck(worker)
                case nil: logger.warning("Worker \(worker.pid) sent an unknown message (\(byte))")
                }
            }
        }

        func reap() {
            while true {
                var status: Int32 = 0
                let pid = waitpid(-1, &status, WNOHANG)
                if pid < 0, errno == EINTR { continue }
                guard pid > 0 else { return }
                settings.scoreboard?.release(pid: pid)
                if let worker = workers.removeValue(forKey: pid) { workerExited(worker, status: status) }
            }
        }

        // MARK: - Worker life

        func handleSignal(_ number: Int32) {
            switch number {
            case SIGHUP, SIGUSR2:
                reload(signal: number)
            case SIGUSR1:
                // logrotate's postrotate: each worker opens its access and slow logs again.
                logger.info("Received SIGUSR1; the workers reopen their log files")
                for worker in workers.values where !worker.isRetiring {
                    if worker.isServing { kill(worker.pid, SIGUSR1) } else { worker.reopenOwed = true }
                }
            default:
                if let first = stopSignal {
                    // Ctrl-C twice kills; another signal (a script's SIGTERM after the terminal's SIGINT) does not.
                    guard number == first else { return }
                    logger.warning("Received \(SignalHandler.name(number)) again; killing \(workers.count) worker(s)")
                    for pid in workers.keys { kill(pid, SIGKILL) }
                    return
                }
                stopSignal = number
                stopping = true
                notifier?.stopping(status: "Stopping \(workers.count) worker(s) gracefully (\(SignalHandler.name(number)))")
                onStop()
                queue.removeAll()
                current = nil
                forceKillAt = .now + settings.shutdownTimeout + .seconds(5)
                logger.info("Received \(SignalHandler.name(number)); stopping \(workers.count) worker(s) gracefully")
                for worker in workers.values { worker.signal(number) }
            }
        }

        func workerIsReady(_ worker: Worker) {
            guard case .starting(_, let old) = worker.state else { return }
            worker.state = .serving
            logger.debug("Worker \(worker.pid) accepts connections")
            if worker.reopenOwed {
                worker.reopenOwed = false
                kill(worker.pid, SIGUSR1)
            }
            if old != nil { replacementIsReady(worker) }
        }

        func workerIsStuck(_ worker: Worker) {
            guard !worker.isRetiring else { return }
            logger.error("Worker \(worker.pid) has a handler stuck past --request-terminate-timeout; starting a replacement")
            worker.state = .retiring(killAt: .now + settings.shutdownTimeout + .seconds(5))
            queue.removeAll { $0.old == worker.pid }
        }

        func workerExited(_ worker: Worker, status: Int32) {
            if worker.control >= 0 { close(worker.control) }
            queue.removeAll { $0.old == worker.pid }
            if stopping || worker.isRetiring {
                logger.info("Worker \(worker.pid) stopped (\(Supervisor.describe(status)))")
                return
            }
            if let replacement = current?.replacement, current?.new == worker.pid {
                current = nil
                abort(replacement, because: "the new worker \(worker.pid) exited at once (\(Supervisor.describe(status)))")
                return
            }
            logger.warning("Worker \(worker.pid) exited (\(Supervisor.describe(status))); starting another")
            settings.scoreboard?.count(.respawns)
            // Workers that die at once over and over would otherwise spin: wait longer each time, as PHP-FPM does.
            let now = ContinuousClock.now
            recentExits = recentExits.filter { now - $0 < .seconds(10) } + [now]
            let excess = recentExits.count - 5
            if excess > 0 {
                let delay = Duration.seconds(min(30, 1 << min(excess - 1, 5)))
                nextSpawn = now + delay
                logger.error(
                    "Workers keep exiting (\(recentExits.count) in 10s); waiting \(delay.operatorDescription) before starting another")
            }
        }

        /// Keeps N workers serving or starting (besides replacements in progress).
        func fillUp() {
            while workers.values.filter({ $0.isServing || $0.isPlainStarting }).count < settings.processes,
                ContinuousClock.now >= nextSpawn
            {
                guard spawn(replacing: nil) != nil else {
                    nextSpawn = .now + .seconds(1)
                    return
                }
            }
        }

        func spawn(replacing old: pid_t?) -> pid_t? {
            switch launcher.start(cores: FastCGIServerConfiguration.loopsPerWorker(processes: settings.processes)) {
            case .success(let started):
                workers[started.pid] = Worker(
                    pid: started.pid, control: started.control,
                    state: .starting(deadline: .now + settings.startTimeout, replacing: old))
                return started.pid
            case .failure(let failure):
                logger.error("Cannot start a worker: \(failure.message)")
                return nil
            }
        }

        func retire(_ worker: Worker) {
            worker.state = .retiring(killAt: .now + settings.shutdownTimeout + .seconds(5))
            worker.signal(SIGQUIT)
        }
    }
}

/// What the master tells systemd (see ``SystemdNotifier``), after each round of events.
extension Supervisor.Master {
    /// The pool's counts, as `STATUS=` shows them in `systemctl status`.
    var statusText: String {
        let serving = workers.values.filter(\.isServing).count
        let starting = workers.values.filter(\.isPlainStarting).count
        var text = "\(serving) of \(settings.processes) worker(s) serving"
        if starting > 0 { text += ", \(starting) starting" }
        if current != nil || !queue.isEmpty { text += ", replacing one at a time" }
        return text
    }

    /// `READY=1` once every worker accepts connections (the first time), `STATUS=` when the counts change,
    /// `WATCHDOG=1` when due.
    func notifyServiceManager() {
        guard let notifier else { return }
        if let interval = notifier.watchdogInterval, ContinuousClock.now >= nextWatchdog {
            notifier.watchdog()
            nextWatchdog = .now + interval
        }
        guard !stopping else { return }
        if !announcedReady {
            guard workers.values.filter(\.isServing).count >= settings.processes else { return }
            announcedReady = true
            notifier.ready(status: statusText)
        } else {
            notifier.status(statusText)
        }
    }
}
