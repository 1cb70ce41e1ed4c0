import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The log lines of connections the allow-list refused: at most one a second, so that a peer retrying in a loop
/// cannot flood the log (the next line says how many were left out). The scoreboard counts them.
final class RefusedPeers: Sendable {
    private struct State {
        var lastLine: ContinuousClock.Instant?
        var unlogged = 0
    }

    private let state = Mutex(State())
    /// How often a refusal may be logged.
    static let interval = Duration.seconds(1)

    func record(_ peer: sockaddr_storage, allowList: ClientAllowList, logger: Logger) {
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
            "Refused a FastCGI connection from \(addressText(peer) ?? "an unknown address"): not in --allowed-clients (\(allowList.entries.joined(separator: ",")))\(more)"
        )
    }
}
