/// Where a route's ``RouteConfig/rateLimit`` and ``RouteConfig/maxConcurrency`` are counted when no web server
/// enforced them first: ``MemoryRateLimiter`` for one process; the FastCGI application shares one between its
/// workers (and between CGI processes) in files under a private directory.
public protocol RateLimiter: Sendable {
    /// Counts one request to `route` with `key` against `limit`.
    func admit(route: String, key: String, limit: RateLimit) -> RateLimitDecision
    /// One of the `limit` requests `route` may serve at once, held until the permit is dropped;
    /// `nil` when all are taken.
    func enter(route: String, limit: Int) -> ConcurrencyPermit?
}

/// Whether a request is admitted under its route's rate.
public enum RateLimitDecision: Sendable, Hashable {
    case admitted
    /// Not admitted: the client may try again after this many seconds (at least 1).
    case limited(retryAfter: Int)

    /// The decision for an ``RateLimit/Admission`` (its wait rounded up to whole seconds).
    public init(_ admission: RateLimit.Admission) {
        switch admission {
        case .admitted: self = .admitted
        case .limited(let wait): self = .limited(retryAfter: Int(max(1, (wait + 999) / 1000)))
        }
    }
}

/// One of the requests a route may serve at once; released when the last
/// reference to it goes (the response has been written).
public final class ConcurrencyPermit: Sendable {
    private let onRelease: @Sendable () -> Void

    public init(onRelease: @escaping @Sendable () -> Void) {
        self.onRelease = onRelease
    }

    deinit { onRelease() }
}
