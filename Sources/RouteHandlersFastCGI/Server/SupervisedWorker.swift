/// What a worker's server gets from its master (``Application`` fills it in for a supervised worker): the
/// scoreboard they share, the master's pid (`%P` in the access log), and how to ask for a replacement. Kept out of
/// the public ``FastCGIServerConfiguration``: no user sets them.
struct SupervisedWorker: Sendable {
    var scoreboard: Scoreboard?
    var masterPID: Int32?
    var onRetire: (@Sendable (RetireReason) -> Void)?
}

/// Why a worker asks its master to be replaced.
enum RetireReason: Sendable {
    /// It served its `--max-requests`: replace it when convenient, one worker at a time.
    case maxRequests
    /// A handler outlived `--request-terminate-timeout`: it has stopped taking connections; replace it now.
    case stuck
}
