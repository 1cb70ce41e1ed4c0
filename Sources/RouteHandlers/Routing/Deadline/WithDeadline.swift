import Synchronization

/// Thrown by ``withDeadline(_:executor:_:)`` when the deadline passed first.
package struct DeadlineExceeded: Error {
    /// The operation's task, cancelled and perhaps still running (it ignored cancellation): a gateway that
    /// watches for handlers past a hard limit waits for it.
    package let running: Task<Void, Never>
}

/// Runs `operation` in a task of its own and returns its value, or throws ``DeadlineExceeded`` at `deadline`, at
/// once, with the operation's task cancelled. The one mechanism for every time limit on a request: the soft limit
/// (``RequestDeadline``) and the route's `maxDuration` over its after-work.
///
/// The answer does not wait for an operation that ignores cancellation (a client is owed its 504 on time); the
/// error carries that task. Cancelling the caller cancels the operation and waits for it, as without a deadline.
/// - Parameters:
///   - deadline: when to give up.
///   - executor: where the operation and the timer run; an unstructured task does not inherit the caller's
///     preference (the server's event loop), so the gateway names it. Task-local values are inherited.
///   - operation: the work.
package func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, executor: (any TaskExecutor)?,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let first = FirstAnswer<T>()
    // On a serial executor (a server's event loop) the timer starts first: it must be asleep before an operation
    // that blocks the loop's thread runs, or it never gets to start. On the shared pool the operation starts first:
    // when both wait for a busy pool past the deadline, the operation that is ready gets its chance.
    var timer: Task<Void, Never>?
    if executor != nil { timer = startTimer(until: deadline, executor: executor, first) }
    let work = Task(executorPreference: executor) {
        do {
            first.offer(.success(try await operation()))
        } catch {
            first.offer(.failure(error))
        }
    }
    if timer == nil { timer = startTimer(until: deadline, executor: executor, first) }
    let answer = await withTaskCancellationHandler {
        await withCheckedContinuation { first.wait($0) }
    } onCancel: {
        work.cancel()
    }
    timer?.cancel()
    guard let answer else {
        work.cancel()
        throw DeadlineExceeded(running: work)
    }
    return try answer.get()
}

/// The timer half of ``withDeadline(_:executor:_:)``: offers `nil` at `deadline`.
private func startTimer<T>(
    until deadline: ContinuousClock.Instant, executor: (any TaskExecutor)?, _ first: FirstAnswer<T>
) -> Task<Void, Never> {
    Task(executorPreference: executor) {
        try? await Task.sleep(until: deadline, clock: .continuous)
        first.offer(nil)
    }
}

/// The first of the operation's result and the timer's `nil`, handed to one waiter.
private final class FirstAnswer<T: Sendable>: Sendable {
    typealias Answer = Result<T, any Error>?

    private enum State {
        case empty
        case waiting(CheckedContinuation<Answer, Never>)
        case answered(Answer)
        case taken
    }

    private let state = Mutex<State>(.empty)

    func offer(_ answer: Answer) {
        let waiter: CheckedContinuation<Answer, Never>? = state.withLock { state in
            switch state {
            case .empty:
                state = .answered(answer)
                return nil
            case .waiting(let continuation):
                state = .taken
                return continuation
            case .answered, .taken:
                return nil
            }
        }
        waiter?.resume(returning: answer)
    }

    func wait(_ continuation: CheckedContinuation<Answer, Never>) {
        let ready: Answer? = state.withLock { state in
            if case .answered(let answer) = state {
                state = .taken
                return .some(answer)
            }
            state = .waiting(continuation)
            return .none
        }
        if let ready { continuation.resume(returning: ready) }
    }
}
