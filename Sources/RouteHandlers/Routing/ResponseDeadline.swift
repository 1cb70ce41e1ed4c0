import HTTPTypes
import Synchronization

/// A time limit on producing a response: the server's `--request-timeout`.
///
/// The handler runs in a task of its own. Past the limit that task is cancelled and the client is answered
/// 504 problem+json at once, without waiting for a handler that ignores cancellation (a hard limit on such a
/// handler is the server's business: `--request-terminate-timeout`). A route's `maxDuration` is structured
/// instead (its handler stays on the caller's task, and a handler that ignores cancellation is answered when
/// it returns); the server's hard limit covers both.
///
/// ```swift
/// let response = await ResponseDeadline(.seconds(2)).respond(requestID: id) { await slowWork() }
/// ```
package struct ResponseDeadline: Sendable {
    package var limit: Duration

    package init(_ limit: Duration) {
        self.limit = limit
    }

    /// Runs `respond` and returns its response, or 504 once `limit` has passed.
    ///
    /// Cancelling the calling task cancels `respond`'s task (and waits for its answer, as without a deadline).
    /// - Parameters:
    ///   - requestID: the request's id, named in the 504 problem.
    ///   - executorPreference: where `respond`'s task runs (an unstructured task does not inherit it).
    ///   - onTimeout: called once when the limit has passed, before the 504 is returned: to log what timed out.
    ///   - respond: produces the response within the limit.
    package func respond(
        requestID: String, executorPreference: (any TaskExecutor)? = nil, onTimeout: @Sendable () -> Void = {},
        _ respond: @escaping @Sendable () async -> Response
    ) async -> Response {
        let first = FirstAnswer()
        let limit = limit
        // The timer first: on an executor that runs jobs in order on one thread (a server's event loop), it
        // must have started sleeping before a handler that blocks that thread runs.
        let timer = Task(executorPreference: executorPreference) {
            try? await Task.sleep(for: limit)
            first.offer(nil)
        }
        let handler = Task(executorPreference: executorPreference) {
            first.offer(await respond())
        }
        let answer = await withTaskCancellationHandler {
            await withCheckedContinuation { first.wait($0) }
        } onCancel: {
            handler.cancel()
        }
        timer.cancel()
        if let answer { return answer }
        handler.cancel()
        onTimeout()
        return Self.timeoutResponse(limit: limit, requestID: requestID)
    }

    /// The 504 problem for a response not produced within `limit`.
    package static func timeoutResponse(limit: Duration, requestID: String) -> Response {
        HTTPError(.gatewayTimeout, "The request took longer than \(describe(limit)) and was cancelled.")
            .problemResponse(extra: ["requestId": requestID])
    }

    /// `2s`, `1.5s`, `250ms`: a duration as an operator would write it.
    package static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(Double(milliseconds) / 1000)s"
    }
}

/// The first of the handler's response and the timer's `nil`, handed to one waiter.
private final class FirstAnswer: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Response?, Never>)
        case answered(Response?)
        case taken
    }

    private let state = Mutex<State>(.empty)

    func offer(_ answer: Response?) {
        let waiter: CheckedContinuation<Response?, Never>? = state.withLock { state in
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

    func wait(_ continuation: CheckedContinuation<Response?, Never>) {
        let ready: Response?? = state.withLock { state in
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
