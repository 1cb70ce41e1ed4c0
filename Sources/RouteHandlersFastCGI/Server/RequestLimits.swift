import Logging
import RouteHandlers
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The server's per-request limits: its ``RequestDeadline`` (the soft limit, `--request-timeout`, is the
/// responder's to enforce; for the hard one, `--request-terminate-timeout`, a watchdog thread notices a handler
/// that still runs and retires the process) and `--max-requests`.
final class RequestLimits: Sendable {
    /// What every request starts with; a route's `maxDuration` replaces its soft limit.
    let deadline: RequestDeadline?
    var terminateAfter: Duration? { deadline?.terminateTimeout }
    /// This process's request budget: `--max-requests` plus up to 10% at random.
    let maxRequests: Int?
    private let served = Atomic<Int>(0)
    private let inFlight = Mutex<[UInt64: InFlight]>([:])
    private let nextToken = Atomic<UInt64>(0)
    private let stopped = Atomic<Bool>(false)
    /// Set once a handler has outlived the hard limit: its thread may never come back.
    let isStuck = Atomic<Bool>(false)

    /// A handler running, and the connection its answer is for.
    struct InFlight: Sendable {
        let started: ContinuousClock.Instant
        let summary: String
        let connection: FastCGIConnection
        /// Its client has had an answer (504 at the soft limit) though the handler still runs.
        var answered = false
    }

    init(_ configuration: FastCGIServerConfiguration) {
        let deadline = RequestDeadline(timeout: configuration.requestTimeout, terminateTimeout: configuration.requestTerminateTimeout)
        self.deadline = deadline.timeout == nil && deadline.terminateTimeout == nil ? nil : deadline
        maxRequests = configuration.maxRequests.map { $0 + Int.random(in: 0...($0 / 10)) }
    }

    /// Whether handlers are watched for the hard limit.
    var tracksHandlers: Bool { terminateAfter != nil }

    /// Counts a request; true exactly once, when this one reaches the budget.
    func countRequest() -> Bool {
        guard let maxRequests else { return false }
        return served.add(1, ordering: .relaxed).newValue == maxRequests
    }

    func begin(_ summary: String, on connection: FastCGIConnection) -> UInt64 {
        let token = nextToken.add(1, ordering: .relaxed).newValue
        inFlight.withLock { $0[token] = InFlight(started: .now, summary: summary, connection: connection) }
        return token
    }

    func answered(_ token: UInt64) {
        inFlight.withLock { $0[token]?.answered = true }
    }

    func end(_ token: UInt64) {
        _ = inFlight.withLock { $0.removeValue(forKey: token) }
    }

    /// Starts the watchdog thread when there is a time limit: a few times a second it calls `tick` (which
    /// rescues event loops held by a blocking handler, so that the soft limit's 504 still goes out), and with a
    /// hard limit it calls `onStuck` once, with the handlers past it.
    func startWatchdog(tick: @escaping @Sendable () -> Void, onStuck: @escaping @Sendable (_ late: [InFlight]) -> Void) {
        guard let deadline else { return }
        let shortest = [deadline.terminateTimeout, deadline.timeout].compactMap { $0 }.min() ?? .seconds(1)
        let period = min(shortest / 4, .milliseconds(250))
        let microseconds = UInt32(max(10_000, period.components.seconds * 1_000_000 + period.components.attoseconds / 1_000_000_000_000))
        _ = spawnThread(name: "fcgi-watchdog") { [self] in
            while !stopped.load(ordering: .relaxed) {
                usleep(microseconds)
                tick()
                guard let terminateAfter, !isStuck.load(ordering: .relaxed) else { continue }
                let now = ContinuousClock.now
                let late = inFlight.withLock { table in table.values.filter { now - $0.started >= terminateAfter } }
                if !late.isEmpty, !isStuck.exchange(true, ordering: .acquiringAndReleasing) {
                    onStuck(late)
                }
            }
        }
    }

    func stopWatchdog() {
        stopped.store(true, ordering: .relaxed)
    }
}

extension FastCGIServer {
    /// The hard limit passed: stop taking connections, cut off the stuck requests still waiting for an answer
    /// (nginx answers them 502 now rather than at the end of the drain), let the other requests finish, and have
    /// the master start a replacement (or, alone, exit so that the service manager restarts the process).
    func retireStuck(_ late: [RequestLimits.InFlight]) {
        let now = ContinuousClock.now
        let summaries = late.map { "\($0.summary), running for \((now - $0.started).operatorDescription)" }
        logger.error(
            "A handler ignored cancellation and still runs past --request-terminate-timeout (\((limits.terminateAfter ?? .zero).operatorDescription)): \(summaries.joined(separator: "; ")). This process stops taking connections and will be replaced."
        )
        observer?.count(.terminateTimeouts)
        onRetire?(.stuck)
        for connection in late.filter({ !$0.answered }).map(\.connection) { connection.abandon() }
        shutdown()
    }
}
