import Logging
import Synchronization

/// Schedules `work` to run once the response has been sent: after the whole response is written and the
/// FastCGI request is finished (nginx has it all and the client may already have it), or in CGI mode once
/// stdout is closed. For work the client need not wait for: audit logs, analytics, cache warming, e-mail.
///
/// ```swift
/// func POST(_ request: Request) async throws -> Response {
///     let user = try await Users.create(…)
///     after { try await Audit.record("user.created", subject: user.id) }
///     return .json(user, status: .created)
/// }
/// ```
///
/// Callable from handlers and middleware (and tasks they start with `async let` or task groups). Works run in
/// the order they were scheduled; an error is logged with the request id and does not stop the next one.
/// A graceful shutdown waits for pending work (within its timeout), and the route's `maxDuration` covers it.
/// Outside a request (and from a streamed body's producer, which runs after the handler returned) the work starts
/// at once, in a task of its own.
public func after(_ work: @escaping @Sendable () async throws -> Void) {
    after(into: AfterWork.current, work)
}

/// Appends `work` to `pending` (a request's after-work), or starts it at once without one.
func after(into pending: AfterWork?, _ work: @escaping @Sendable () async throws -> Void) {
    if let pending {
        pending.append(work)
    } else {
        Task { try? await work() }
    }
}

/// The after-work of one request: collected while the handler runs, run by the gateway once the response is out.
package final class AfterWork: Sendable {
    @TaskLocal package static var current: AfterWork?

    private let works = Mutex<[@Sendable () async throws -> Void]>([])
    /// The route's `maxDuration` counted from the request's start, and where the work runs under it.
    private let limit = Mutex<(deadline: ContinuousClock.Instant, executor: (any TaskExecutor)?)?>(nil)
    let requestID: String
    let logger: Logger

    package init(requestID: String, logger: Logger) {
        self.requestID = requestID
        self.logger = logger
    }

    func append(_ work: @escaping @Sendable () async throws -> Void) {
        works.withLock { $0.append(work) }
    }

    /// After-work must be done by `deadline` (the route's `maxDuration` counted from the request's start); it runs
    /// on `executor` then (the server's event loop).
    func setDeadline(_ deadline: ContinuousClock.Instant, executor: (any TaskExecutor)?) {
        limit.withLock { $0 = (deadline, executor) }
    }

    package var isEmpty: Bool { works.withLock { $0.isEmpty } }

    /// Runs the scheduled work, in order, logging failures; work scheduled meanwhile runs too. Past the
    /// deadline, the work in progress is cancelled and the rest skipped.
    package func run() async {
        while let work = works.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            do {
                if let limit = limit.withLock({ $0 }) {
                    try await withDeadline(limit.deadline, executor: limit.executor) { try await work() }
                } else {
                    try await work()
                }
            } catch is DeadlineExceeded {
                logger.error("after() work cut off by the route's maxDuration", metadata: ["request-id": .string(requestID)])
                works.withLock { $0.removeAll() }
            } catch {
                logger.error("after() work failed: \(String(reflecting: error))", metadata: ["request-id": .string(requestID)])
            }
        }
    }
}
