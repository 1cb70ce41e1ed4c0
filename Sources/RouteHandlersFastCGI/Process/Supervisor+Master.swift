import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

extension Supervisor {
    /// One worker process, as the master sees it.
    final class Worker {
        enum State {
            /// Started, not yet accepting; `replacing` is the worker it will take over from, if any.
            case starting(deadline: ContinuousClock.Instant, replacing: pid_t?)
            case serving
            /// Asked to stop gracefully; killed if still there at `killAt`.
            case retiring(killAt: ContinuousClock.Instant)
        }

        let pid: pid_t
        var control: Int32
        var state: State
        let started = ContinuousClock.now
        /// Queued for replacement (max requests, memory, reload).
        var queued = false

        init(pid: pid_t, control: Int32, state: State) {
            self.pid = pid
            self.control = control
            self.state = state
        }

        var isServing: Bool { if case .serving = state { true } else { false } }
        var isRetiring: Bool { if case .retiring = state { true } else { false } }
        var replacing: pid_t? { if case .starting(_, let old) = state { old } else { nil } }
        var isPlainStarting: Bool { if case .starting(_, nil) = state { true } else { false } }
    }

    /// A replacement to make: start a worker, and once it accepts, stop `old` gracefully.
    struct Replacement {
        let old: pid_t
        let reason: String
        let isReload: Bool
    }

    /// The master's state, touched by its one thread only.
    final class Master {
        let settings: Settings
        let launcher: WorkerLauncher
        let signalPipe: Int32
        let logger: Logger
        var workers: [pid_t: Worker] = [:]
        /// Replacements waiting their turn, and the one in progress (its new worker's pid).
        var queue: [Replacement] = []
        var current: (replacement: Replacement, new: pid_t)?
        var stopping = false
        var forceKillAt: ContinuousClock.Instant?
        var recentExits: [ContinuousClock.Instant] = []
        var nextSpawn = ContinuousClock.now
        var nextMemoryCheck = ContinuousClock.now
        /// Called once, when stopping begins (closes the listening socket).
        var onStop: () -> Void = {}

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
                checkMemory()
            }
        }

        // MARK: - Events

        private func waitForEvents() {
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
        private func pollTimeout() -> Int32 {
            if workers.values.contains(where: { $0.control < 0 }) { return 10 }
            var next = ContinuousClock.now + .seconds(1)
            if settings.maxMemory != nil { next = min(next, nextMemoryCheck) }
            if !stopping, nextSpawn > .now { next = min(next, nextSpawn) }
            if let forceKillAt { next = min(next, forceKillAt) }
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

        private func readSignals() {
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = read(signalPipe, &buffer, buffer.count)
            guard count > 0 else { return }
            for byte in buffer[..<count] { handleSignal(Int32(byte)) }
        }

        private func readMessages(from worker: Worker) {
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = read(worker.control, &buffer, buffer.count)
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
                // The worker exited (or is exiting): reap() hears of it.
                close(worker.control)
                worker.control = -1
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

        private func reap() {
            while true {
                var status: Int32 = 0
                let pid = waitpid(-1, &status, WNOHANG)
                if pid < 0, errno == EINTR { continue }
                guard pid > 0 else { return }
                if let worker = workers.removeValue(forKey: pid) { workerExited(worker, status: status) }
            }
        }

        // MARK: - Worker life

        private func handleSignal(_ number: Int32) {
            switch number {
            case SIGHUP, SIGUSR2:
                reload(signal: number)
            default:
                if stopping {
                    logger.warning("Received \(SignalHandler.name(number)) again; killing \(workers.count) worker(s)")
                    for pid in workers.keys { kill(pid, SIGKILL) }
                    return
                }
                stopping = true
                onStop()
                queue.removeAll()
                current = nil
                forceKillAt = .now + settings.shutdownTimeout + .seconds(5)
                logger.info("Received \(SignalHandler.name(number)); stopping \(workers.count) worker(s) gracefully")
                for pid in workers.keys { kill(pid, number) }
            }
        }

        private func workerIsReady(_ worker: Worker) {
            guard case .starting(_, let old) = worker.state else { return }
            worker.state = .serving
            logger.debug("Worker \(worker.pid) accepts connections")
            guard let old, let replacement = current?.replacement, current?.new == worker.pid else { return }
            current = nil
            if let previous = workers[old], !previous.isRetiring {
                retire(previous)
                logger.info("Worker \(worker.pid) replaced worker \(old) (\(replacement.reason))")
            } else if workers.values.filter(\.isServing).count > settings.processes,
                let extra = workers.values.filter(\.isServing).min(by: { $0.started < $1.started })
            {
                retire(extra)
            }
            if replacement.isReload, !queue.contains(where: \.isReload) {
                logger.info("Reload complete: \(settings.processes) worker(s) now run \(launcher.executable)")
            }
        }

        private func workerIsStuck(_ worker: Worker) {
            guard !worker.isRetiring else { return }
            logger.error("Worker \(worker.pid) has a handler stuck past --request-terminate-timeout; starting a replacement")
            worker.state = .retiring(killAt: .now + settings.shutdownTimeout + .seconds(5))
            queue.removeAll { $0.old == worker.pid }
        }

        private func workerExited(_ worker: Worker, status: Int32) {
            if worker.control >= 0 { close(worker.control) }
            queue.removeAll { $0.old == worker.pid }
            if stopping || worker.isRetiring {
                logger.info("Worker \(worker.pid) stopped (\(Supervisor.describe(status)))")
                return
            }
            if let replacement = current?.replacement, current?.new == worker.pid {
                current = nil
                abort(replacement, because: "the new worker \(worker.pid) exited before accepting connections (\(Supervisor.describe(status)))")
                return
            }
            logger.warning("Worker \(worker.pid) exited (\(Supervisor.describe(status))); starting another")
            // Workers that die at once over and over would otherwise spin: wait longer each time, as PHP-FPM does.
            let now = ContinuousClock.now
            recentExits = recentExits.filter { now - $0 < .seconds(10) } + [now]
            let excess = recentExits.count - 5
            if excess > 0 {
                let delay = Duration.seconds(min(30, 1 << min(excess - 1, 5)))
                nextSpawn = now + delay
                logger.error("Workers keep exiting (\(recentExits.count) in 10s); waiting \(ResponseDeadline.describe(delay)) before starting another")
            }
        }

        /// Keeps N workers serving or starting (besides replacements in progress).
        private func fillUp() {
            while workers.values.filter({ $0.isServing || $0.isPlainStarting }).count < settings.processes,
                ContinuousClock.now >= nextSpawn
            {
                guard spawn(replacing: nil) != nil else {
                    nextSpawn = .now + .seconds(1)
                    return
                }
            }
        }

        private func spawn(replacing old: pid_t?) -> pid_t? {
            switch launcher.start() {
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

        private func retire(_ worker: Worker) {
            worker.state = .retiring(killAt: .now + settings.shutdownTimeout + .seconds(5))
            kill(worker.pid, SIGQUIT)
        }

        // MARK: - Replacements, one at a time

        private func reload(signal: Int32) {
            guard !stopping else { return }
            if current?.replacement.isReload == true || queue.contains(where: \.isReload) {
                logger.warning("Received \(SignalHandler.name(signal)) during a reload; ignored")
                return
            }
            // Every worker not on its way out, a replacement still starting included: it may run the old build.
            let old = workers.values.filter { !$0.isRetiring }.sorted { $0.started < $1.started }
            logger.info("Received \(SignalHandler.name(signal)); reloading \(old.count) worker(s) from \(launcher.executable), one at a time")
            for worker in old {
                queue.removeAll { $0.old == worker.pid }
                worker.queued = true
                queue.append(Replacement(old: worker.pid, reason: "reload", isReload: true))
            }
        }

        private func queueReplacement(of worker: Worker, reason: String, isReload: Bool) {
            guard !stopping, !worker.queued, !worker.isRetiring else { return }
            worker.queued = true
            logger.info("Worker \(worker.pid) will be replaced: \(reason)")
            queue.append(Replacement(old: worker.pid, reason: reason, isReload: isReload))
        }

        private func startNextReplacement() {
            while current == nil, !queue.isEmpty {
                let replacement = queue.removeFirst()
                guard let old = workers[replacement.old], !old.isRetiring else { continue }
                guard let new = spawn(replacing: old.pid) else {
                    abort(replacement, because: "the new worker could not be started")
                    return
                }
                current = (replacement, new)
            }
        }

        /// A replacement failed: the old workers keep serving. A failed reload drops the rest of the reload.
        private func abort(_ replacement: Replacement, because reason: String) {
            if replacement.isReload {
                let skipped = queue.filter(\.isReload)
                queue.removeAll(where: \.isReload)
                for item in skipped + [replacement] { workers[item.old]?.queued = false }
                logger.error("Reload aborted: \(reason); the old workers keep serving (\(launcher.executable))")
            } else {
                workers[replacement.old]?.queued = false
                logger.error("Could not replace worker \(replacement.old) (\(replacement.reason)): \(reason); it keeps serving")
            }
        }

        // MARK: - Timers

        private func checkDeadlines() {
            let now = ContinuousClock.now
            if let forceKillAt, now >= forceKillAt {
                logger.warning("Workers still running after the shutdown timeout; killing \(workers.count)")
                for pid in workers.keys { kill(pid, SIGKILL) }
                self.forceKillAt = nil
            }
            for worker in workers.values {
                switch worker.state {
                case .starting(let deadline, _) where now >= deadline:
                    logger.error("Worker \(worker.pid) did not accept connections within \(ResponseDeadline.describe(settings.startTimeout)); killing it")
                    kill(worker.pid, SIGKILL)
                    worker.state = .starting(deadline: .now + .seconds(3600), replacing: worker.replacing)
                case .retiring(let killAt) where now >= killAt:
                    logger.warning("Worker \(worker.pid) did not stop within the shutdown timeout; killing it")
                    kill(worker.pid, SIGKILL)
                    worker.state = .retiring(killAt: .now + .seconds(3600))
                default:
                    break
                }
            }
        }

        private func checkMemory() {
            guard let limit = settings.maxMemory, !stopping, ContinuousClock.now >= nextMemoryCheck else { return }
            nextMemoryCheck = .now + .seconds(1)
            for worker in workers.values where worker.isServing && !worker.queued {
                guard let resident = Self.residentBytes(of: worker.pid), resident > limit else { continue }
                queueReplacement(
                    of: worker, reason: "it uses \(resident / 1_048_576) MiB, more than --max-memory (\(limit / 1_048_576) MiB)",
                    isReload: false)
            }
        }

        /// Resident set size from /proc/PID/statm (its second field, in pages).
        static func residentBytes(of pid: pid_t) -> Int? {
            let fd = open("/proc/\(pid)/statm", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 128)
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { return nil }
            let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
            guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
    }
}

