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
        /// SIGUSR1 arrived while it was starting (it may already have opened the logs): sent once it is ready,
        /// as before its signal handlers exist SIGUSR1 would kill it.
        var reopenOwed = false
        /// When its control pipe closed (it is exiting).
        var controlClosed: ContinuousClock.Instant?
        /// The stop signal sent to it, and when: sent again each second until it exits, in case it arrived
        /// before the worker listened for it (a supervised worker takes a repeat as a no-op).
        var stopSignal: (number: Int32, sent: ContinuousClock.Instant)?

        func signal(_ number: Int32) {
            kill(pid, number)
            stopSignal = (number, .now)
        }

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

    /// The replacement in progress: its new worker, and once that accepts, the end of its probation (it must
    /// not exit at once) after which the old worker is stopped.
    struct InProgress {
        let replacement: Replacement
        let new: pid_t
        var probationEnds: ContinuousClock.Instant?
    }
}
