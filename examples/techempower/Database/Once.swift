import Synchronization

/// Async work done once, its result kept: concurrent callers share one run; after a failure the next caller
/// starts it again (a database that was not up yet is tried again by the next request).
final class Once<Value: Sendable>: Sendable {
    private enum State {
        case idle
        case running(Task<Value, any Error>)
        case done(Value)
    }

    private let state = Mutex<State>(.idle)

    /// The value, made by `work` if no run has succeeded yet. Once it has, this only takes a lock.
    func value(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task: Task<Value, any Error>
        switch state.withLock({ state -> State in
            if case .idle = state { state = .running(Task { try await work() }) }
            return state
        }) {
        case .done(let value): return value
        case .running(let running): task = running
        case .idle: preconditionFailure("set to running above")
        }
        do {
            let value = try await task.value
            state.withLock { $0 = .done(value) }
            return value
        } catch {
            state.withLock { state in
                if case .running(let running) = state, running == task { state = .idle }
            }
            throw error
        }
    }
}
