import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `--slowlog` with `--slowlog-timeout` (PHP-FPM's `slowlog` and `request_slowlog_timeout`): a thread looks at
/// the requests in flight a few times per timeout; one still running past it gets one entry (time, pid, request
/// id, method, URI, route, elapsed), followed by the stack of the thread running it (as PHP-FPM's slow log shows
/// the script's): the handler's own frames while it holds its thread (a loop, a blocking call), the event loop
/// waiting for work while the handler awaits. It counts in the status page's `slow requests`.
final class SlowLog: Sendable {
    let file: LogFile
    let timeout: Duration
    private let watched = Mutex<[ObjectIdentifier: Observation]>([:])
    private let stopped = Atomic<Bool>(false)
    /// Counts a slow request in the scoreboard.
    private let onSlow: @Sendable () -> Void

    init(file: LogFile, timeout: Duration, onSlow: @escaping @Sendable () -> Void) {
        self.file = file
        self.timeout = timeout
        self.onSlow = onSlow
        let period = min(timeout / 4, .milliseconds(250))
        let microseconds = UInt32(max(10_000, period.components.seconds * 1_000_000 + period.components.attoseconds / 1_000_000_000_000))
        _ = spawnThread(name: "slowlog") { [self] in
            while !stopped.load(ordering: .relaxed) {
                usleep(microseconds)
                check()
            }
        }
    }

    func watch(_ observation: Observation) {
        watched.withLock { $0[ObjectIdentifier(observation)] = observation }
    }

    func unwatch(_ observation: Observation) {
        _ = watched.withLock { $0.removeValue(forKey: ObjectIdentifier(observation)) }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func check() {
        let now = ContinuousClock.now
        let late = watched.withLock { table in
            table.values.filter { now - $0.started >= timeout && !$0.wasSlow.load(ordering: .relaxed) }
        }
        for observation in late where !observation.wasSlow.exchange(true, ordering: .relaxed) {
            var text = entry(observation, elapsed: now - observation.started)
            if let frames = ThreadBacktrace.capture(observation.thread) {
                text += frames.enumerated().map { "\n    #\($0.offset) \($0.element)" }.joined()
            } else {
                text += "\n    (no stack: the thread did not answer)"
            }
            file.write(text)
            onSlow()
        }
    }

    func entry(_ observation: Observation, elapsed: Duration) -> String {
        let time = AccessLog.time(Int(Glibc.time(nil)), "%d-%b-%Y %H:%M:%S %z")
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return "[\(time)] pid \(getpid()) request-id \(observation.requestID) \(observation.method) \(observation.uri)"
            + " route \(observation.route) running for \(AccessLog.decimal(milliseconds * 1000, scale: 1_000_000))s"
    }
}
