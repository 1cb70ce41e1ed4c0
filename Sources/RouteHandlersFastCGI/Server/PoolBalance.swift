import CLinux
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Keeps one pool worker from holding most of the pool's connections, as nginx's `accept_disabled` does for its
/// workers.
///
/// The workers share the listening socket, and the kernel hands a new connection to whichever worker is waiting.
/// When nginx fills its keep-alive pool in a burst, one worker can take three quarters of the connections and
/// keep them. Measured: 198 against 56. Every request on them then queues for that worker's loop and its own
/// database pool, while the other worker idles. So each worker publishes its open connections in its scoreboard
/// slot. A worker holding more than its share (plus an eighth) takes the listener out of its event loops, so
/// the kernel wakes the others for new connections. It listens again once back under its share, or after
/// ``patience`` in any case, so that a pool whose other workers are all blocked still accepts.
/// A connection the kernel already gave it is always accepted: none is left waiting.
final class PoolBalance: @unchecked Sendable {
    private let slot: WorkerSlot
    private let pause: @Sendable () -> Void
    private let resume: @Sendable () -> Void
    private let wake = ConditionLock()
    private let state = Mutex(State())

    private struct State {
        var paused = false
        var pausedAt = ContinuousClock.now
        var stopped = false
    }

    /// The longest a worker over its share stops listening.
    static let patience: Duration = .milliseconds(200)
    /// How often a paused worker looks at the pool's counts again (microseconds), only while paused.
    static let checkEvery: UInt32 = 5_000

    /// - Parameters:
    ///   - slot: this worker's scoreboard slot.
    ///   - pause: takes the listener out of this worker's event loops.
    ///   - resume: puts it back.
    init(slot: WorkerSlot, pause: @escaping @Sendable () -> Void, resume: @escaping @Sendable () -> Void) {
        self.slot = slot
        self.pause = pause
        self.resume = resume
    }

    private var mine: UnsafeMutablePointer<UInt64> { Scoreboard.word(slot.slot, .connections) }

    /// Counts a connection opened; over its share, the worker stops listening.
    func connectionOpened() {
        rh_atomic_add(mine, 1)
        guard overShare() else { return }
        let paused = state.withLock { state -> Bool in
            guard !state.paused, !state.stopped else { return false }
            state.paused = true
            state.pausedAt = .now
            pause()
            return true
        }
        if paused { wake.withLock { wake.signal() } }
    }

    /// Counts a connection closed; a worker that paused and is back under its share listens again.
    func connectionClosed() {
        rh_atomic_sub(mine, 1)
        guard state.withLock({ $0.paused }), !overShare() else { return }
        resumeListening()
    }

    /// Whether this worker holds more connections than its share of the live workers' (plus an eighth, at least 2).
    func overShare() -> Bool {
        let own = rh_atomic_load(mine)
        guard own > 2 else { return false }
        let pool = slot.board.openConnections()
        guard pool.workers > 1 else { return false }
        let workers = UInt64(pool.workers)
        let share = (pool.connections + workers - 1) / workers
        return own > share + max(2, share / 8)
    }

    private func resumeListening() {
        state.withLock { state in
            guard state.paused, !state.stopped else { return }
            state.paused = false
            resume()
        }
    }

    /// The watch on a pause (its own thread, asleep unless paused): listen again once under the share, or after
    /// ``patience``.
    func watch() {
        while true {
            let now = state.withLock { state -> (stopped: Bool, pausedAt: ContinuousClock.Instant?) in
                (state.stopped, state.paused ? state.pausedAt : nil)
            }
            if now.stopped { return }
            guard let pausedAt = now.pausedAt else {
                wake.withLock {
                    // Looked at again under the lock: a pause signalled since the look above is not missed.
                    if !state.withLock({ $0.paused || $0.stopped }) { wake.wait() }
                }
                continue
            }
            // The others' connections count too: a worker falls under its share as they take new ones.
            if !overShare() || ContinuousClock.now - pausedAt >= Self.patience {
                resumeListening()
            } else {
                usleep(Self.checkEvery)
            }
        }
    }

    /// Ends ``watch()``; the listener is never put back after this returns (the server is about to close it).
    func stop() {
        state.withLock { $0.stopped = true }
        wake.withLock { wake.signal() }
    }
}
