import Logging
import RouteHandlers
import Synchronization

/// What every connection of one server shares, built once by the server: the responder and its limits, the
/// observers, the logger, the answers to `FCGI_GET_VALUES`, and the shutdown's state.
final class ConnectionContext: Sendable {
    let responder: any HTTPResponder
    let logger: Logger
    let limits: RequestLimits
    /// Status and ping pages, access and slow logs, metrics and tracing; `nil` when none is on.
    let observer: RequestObserver?
    /// The request body limit when the route sets none.
    let maxBodySize: Int
    let maxParamsSize: Int
    let managementValues: [(name: String, value: String)]
    /// The address listened on, for log lines.
    let boundAddress: ListenAddress
    /// Tells a supervised worker's master that this process wants replacing.
    let onRetire: (@Sendable (RetireReason) -> Void)?
    /// Set once a graceful shutdown began: a connection done with its request closes instead of waiting.
    let stopping = Atomic<Bool>(false)
    /// Wakes the thread that drains a shutdown: when it starts, and whenever a connection closes meanwhile.
    let drainSignal = ConditionLock()
    /// Requests whose after() work is still running: a graceful shutdown waits for them too.
    let pendingAfterWork = Atomic<Int>(0)
    /// A pool worker's share of the pool's connections; `nil` outside a pool.
    let balance: PoolBalance?

    init(
        responder: any HTTPResponder, logger: Logger, limits: RequestLimits, observer: RequestObserver?,
        configuration: FastCGIServerConfiguration, onRetire: (@Sendable (RetireReason) -> Void)?,
        managementValues: [(name: String, value: String)], boundAddress: ListenAddress, balance: PoolBalance? = nil
    ) {
        self.balance = balance
        self.responder = responder
        self.logger = logger
        self.limits = limits
        self.observer = observer
        self.maxBodySize = configuration.maxBodySize
        self.maxParamsSize = configuration.maxParamsSize
        self.onRetire = onRetire
        self.managementValues = managementValues
        self.boundAddress = boundAddress
    }
}
