import Synchronization

/// A ``RateLimiter`` for one process: the default where no gateway gives another (the test client, a single
/// FastCGI process). Keys whose allowance is whole again are forgotten as the table grows.
public final class MemoryRateLimiter: RateLimiter {
    private struct State {
        var tats: [String: Int64] = [:]
        var active: [String: Int] = [:]
        var sweepAt = 1024
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Int64

    /// - Parameter clock: the time in milliseconds (the continuous clock's by default).
    public init(clock: (@Sendable () -> Int64)? = nil) {
        self.clock = clock ?? MemoryRateLimiter.now
    }

    public func admit(route: String, key: String, limit: RateLimit) -> RateLimitDecision {
        let now = clock()
        let id = route + "\u{0}" + key
        return state.withLock { state in
            let admission = limit.admit(tat: state.tats[id] ?? 0, now: now)
            if case .admitted(let tat) = admission {
                state.tats[id] = tat
                if state.tats.count >= state.sweepAt {
                    state.tats = state.tats.filter { $0.value > now }
                    state.sweepAt = max(1024, state.tats.count * 2)
                }
            }
            return RateLimitDecision(admission)
        }
    }

    public func enter(route: String, limit: Int) -> ConcurrencyPermit? {
        let admitted = state.withLock { state in
            guard state.active[route, default: 0] < limit else { return false }
            state.active[route, default: 0] += 1
            return true
        }
        guard admitted else { return nil }
        return ConcurrencyPermit { [self] in
            self.state.withLock { state in
                state.active[route, default: 1] -= 1
                if state.active[route] == 0 { state.active[route] = nil }
            }
        }
    }

    private static let start = ContinuousClock.now

    @Sendable private static func now() -> Int64 {
        let elapsed = ContinuousClock.now - start
        // Offset by a day so that a fresh key's 0 is always in the past.
        return 86_400_000 + elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}
