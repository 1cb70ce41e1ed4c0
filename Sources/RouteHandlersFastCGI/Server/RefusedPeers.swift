import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Connections the allow-list refused: counted, and logged at most once a second so that a peer retrying in a
/// loop cannot flood the log (the lines it did not get say how many were left out).
final class RefusedPeers: Sendable {
    private struct State {
        var lastLine: ContinuousClock.Instant?
        var unlogged = 0
    }

    private let state = Mutex(State())
    private let total = Atomic<Int>(0)
    /// How often a refusal may be logged.
    static let interval = Duration.seconds(1)

    /// Every connection refused since the server started.
    var count: Int { total.load(ordering: .relaxed) }

    func record(_ peer: sockaddr_storage, allowList: ClientAllowList, logger: Logger) {
        total.add(1, ordering: .relaxed)
        let now = ContinuousClock.now
        let unlogged: Int? = state.withLock { state in
            if let last = state.lastLine, now - last < Self.interval {
                state.unlogged += 1
                return nil
            }
            defer { state = State(lastLine: now, unlogged: 0) }
            return state.unlogged
        }
        guard let unlogged else { return }
        let more = unlogged > 0 ? " (\(unlogged) more refused since the last line)" : ""
        logger.warning(
            "Refused a FastCGI connection from \(addressText(peer) ?? "an unknown address"): not in --allowed-clients (\(allowList.entries.joined(separator: ",")))\(more)")
    }
}
