import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// Replacing workers one at a time (reload, --max-requests, --max-memory), and the master's timers.
extension Supervisor.Master {
    // MARK: - Replacements, one at a time

    func reload(signal: Int32) {
        guard !stopping else { return }
        if current?.replacement.isReload == true || queue.contains(where: \.isReload) {
            logger.warning("Received \(SignalHandler.name(signal)) during a reload; ignored")
            return
        }
        // The configuration read again first: a bad file aborts the reload before any worker is touched.
        if let reconfigure = settings.reconfigure {
            do {
                let new = try reconfigure()
                if new.processes != settings.processes {
                    logger.info("Reload: \(settings.processes) → \(new.processes) worker(s)")
                }
                settings.processes = new.processes
                settings.maxMemory = new.maxMemory
                settings.shutdownTimeout = new.shutdownTimeout
                for name in new.needsRestart {
                    logger.warning("Reload: \(name) changed, which takes a restart; the master keeps its socket")
                }
            } catch {
                notifier?.reloading(status: "Reloading: reading the configuration")
                logger.error("Reload aborted: \(error.message); the old workers keep serving")
                notifier?.reloadFailed(status: "Reload aborted: \(error.message); the old workers keep serving")
                settings.scoreboard?.count(.abortedReloads)
                return
            }
        }
        // Every worker not on its way out, a replacement still starting included: it may run the old build.
        let old = workers.values.filter { !$0.isRetiring }.sorted { $0.started < $1.started }
        logger.info("Received \(SignalHandler.name(signal)); reloading \(old.count) worker(s) from \(launcher.executable), one at a time")
        notifier?.reloading(status: "Reloading \(old.count) worker(s) from \(launcher.executable), one at a time")
        if old.isEmpty { notifier?.ready(status: statusText) }
        for worker in old {
            queue.removeAll { $0.old == worker.pid }
            worker.queued = true
            queue.append(Supervisor.Replacement(old: worker.pid, reason: "reload", isReload: true))
        }
    }

    func queueReplacement(of worker: Supervisor.Worker, reason: String, isReload: Bool) {
        guard !stopping, !worker.queued, !worker.isRetiring else { return }
        worker.queued = true
        logger.info("Worker \(worker.pid) will be replaced: \(reason)")
        queue.append(Supervisor.Replacement(old: worker.pid, reason: reason, isReload: isReload))
    }

    func startNextReplacement() {
        while current == nil, !queue.isEmpty {
            let replacement = queue.removeFirst()
            guard let old = workers[replacement.old], !old.isRetiring else { continue }
            guard let new = spawn(replacing: old.pid) else {
                abort(replacement, because: "the new worker could not be started")
                return
            }
            current = Supervisor.InProgress(replacement: replacement, new: new)
        }
    }

    /// The new worker accepts connections: once it has stayed up for its probation, stop the old one.
    func replacementIsReady(_ worker: Supervisor.Worker) {
        guard current?.new == worker.pid else { return }
        current?.probationEnds = .now + settings.probation
    }

    func finishReplacementAfterProbation() {
        guard let current, let ends = current.probationEnds, ContinuousClock.now >= ends else { return }
        self.current = nil
        let replacement = current.replacement
        if let previous = workers[replacement.old], !previous.isRetiring {
            retire(previous)
            logger.info("Worker \(current.new) replaced worker \(replacement.old) (\(replacement.reason))")
        } else if workers.values.filter(\.isServing).count > settings.processes,
            let extra = workers.values.filter(\.isServing).min(by: { $0.started < $1.started })
        {
            // The old worker died meanwhile and was replaced already: one too many now.
            retire(extra)
        }
        if replacement.isReload, !queue.contains(where: \.isReload) {
            retireExcess()
            logger.info("Reload complete: \(settings.processes) worker(s) now run \(launcher.executable)")
            notifier?.ready(status: "Reloaded: \(statusText)")
            settings.scoreboard?.count(.reloads)
        }
    }

    /// Fewer processes after a reload: the oldest serving workers beyond the count stop gracefully.
    func retireExcess() {
        let serving = workers.values.filter { $0.isServing && !$0.queued }.sorted { $0.started < $1.started }
        for worker in serving.dropLast(settings.processes) {
            logger.info("Worker \(worker.pid) stops: the pool has \(settings.processes) worker(s) now")
            retire(worker)
        }
    }

    /// A replacement failed: the old workers keep serving. A failed reload drops the rest of the reload.
    func abort(_ replacement: Supervisor.Replacement, because reason: String) {
        if replacement.isReload {
            let skipped = queue.filter(\.isReload)
            queue.removeAll(where: \.isReload)
            for item in skipped + [replacement] { workers[item.old]?.queued = false }
            logger.error("Reload aborted: \(reason); the old workers keep serving (\(launcher.executable))")
            notifier?.reloadFailed(status: "Reload aborted: \(reason); the old workers keep serving")
            settings.scoreboard?.count(.abortedReloads)
        } else {
            workers[replacement.old]?.queued = false
            logger.error("Could not replace worker \(replacement.old) (\(replacement.reason)): \(reason); it keeps serving")
        }
    }

    // MARK: - Timers

    func checkDeadlines() {
        let now = ContinuousClock.now
        if let forceKillAt, now >= forceKillAt {
            logger.warning("Workers still running after the shutdown timeout; killing \(workers.count)")
            for pid in workers.keys { kill(pid, SIGKILL) }
            self.forceKillAt = nil
        }
        for worker in workers.values {
            if let (number, sent) = worker.stopSignal, now - sent >= .seconds(1) { worker.signal(number) }
            switch worker.state {
            case .starting(let deadline, _) where now >= deadline:
                logger.error(
                    "Worker \(worker.pid) did not accept connections within \(settings.startTimeout.operatorDescription); killing it")
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

    func checkMemory() {
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
