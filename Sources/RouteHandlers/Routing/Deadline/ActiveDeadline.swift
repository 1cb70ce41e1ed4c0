import Logging
import Synchronization

/// One request's deadline once resolved: when its soft limit ends, where its tasks run, and the tasks it cut off.
///
/// The responder applies it twice with one mechanism (``withDeadline(_:executor:_:)``): around the matched route's
/// chain (``routeEnd(afterWork:)``), so that the global middleware still sees the 504 (and adds its headers, such as a request
/// id), and, for the server's limit, around the whole request a second after ``end``, for global middleware that does
/// not return.
final class ActiveDeadline: Sendable {
    let deadline: RequestDeadline
    let end: ContinuousClock.Instant
    let executor: (any TaskExecutor)?
    private let cutOff = Mutex<[Task<Void, Never>]>([])

    /// How long global middleware has to answer the 504 of its route's deadline before the request is cut off.
    static let middlewareGrace = Duration.seconds(1)

    /// `nil` without a soft limit (the clock is read only when there is one).
    init?(_ deadline: RequestDeadline?, executor: (any TaskExecutor)?) {
        guard let deadline, let timeout = deadline.timeout else { return nil }
        self.deadline = deadline
        self.end = .now + timeout
        self.executor = executor
    }

    /// When the route's chain must be done, asked as it starts: the server's limit counts from the request's start,
    /// a route's `maxDuration` from its chain's (as after-work's limit does, which it sets here).
    func routeEnd(afterWork: AfterWork?) -> ContinuousClock.Instant {
        guard deadline.origin == .maxDuration, let timeout = deadline.timeout else { return end }
        let end = ContinuousClock.now + timeout
        afterWork?.setDeadline(end, executor: executor)
        return end
    }

    /// The 504 for a request past its deadline, with `exceeded`'s task kept for ``runningHandler``; logged.
    func exceeded(_ exceeded: DeadlineExceeded, _ request: Request, requestID: String, logger: Logger) -> HTTPError {
        cutOff.withLock { $0.append(exceeded.running) }
        let limit = (deadline.timeout ?? .zero).operatorDescription
        logger.warning(
            "Request timed out after \(limit) (\(deadline.originName)): \(request.method) \(request.url.pathname); its handler was cancelled and the client answered 504"
        )
        return deadline.timeoutError(requestID: requestID)
    }

    /// The tasks cut off that may still run, as one task that ends when they all have; `nil` when none.
    var runningHandler: Task<Void, Never>? {
        let tasks = cutOff.withLock { $0 }
        if tasks.isEmpty { return nil }
        if tasks.count == 1 { return tasks[0] }
        return Task {
            for task in tasks { await task.value }
        }
    }
}
