/// How many requests a route admits per client (or per key), as nginx's `limit_req` counts them: a steady rate
/// with room for a burst, answered 429 with `Retry-After` beyond it.
///
/// ```swift
/// let rateLimit = RateLimit(10, per: .minute, burst: 5)                          // per client address
/// let rateLimit = RateLimit(5, per: .second, key: .header("X-API-Key"))          // per API key
/// ```
///
/// `burst` requests may come at once beyond the rate (nginx's `burst=N nodelay`): `RateLimit(10, per: .minute,
/// burst: 5)` admits 6 requests at once, then one every 6 seconds. A request without a key (a `.header` key the
/// client did not send) is not counted, as nginx does.
public struct RateLimit: Sendable, Hashable {
    /// The unit of a rate: the two nginx's `rate=` accepts (`r/s`, `r/m`).
    public enum Period: String, Sendable, Hashable {
        case second, minute

        var milliseconds: Int64 { self == .second ? 1000 : 60_000 }
    }

    /// What a request is counted by.
    public enum Key: Sendable, Hashable {
        /// The client's address (``Request/ip``: `REMOTE_ADDR`, or the client behind trusted proxies).
        case clientIP
        /// A request header's value, such as an API key; requests without it are not counted.
        case header(String)
    }

    /// Requests admitted per ``period`` at the steady rate (1 to ``maximum``).
    public var requests: Int
    public var period: Period
    /// Requests admitted at once beyond the rate (0 to ``maximum``).
    public var burst: Int
    public var key: Key

    /// The most `requests` and `burst` may be (the arithmetic on them stays far from overflowing).
    public static let maximum = 1_000_000

    public init(_ requests: Int, per period: Period, burst: Int = 0, key: Key = .clientIP) {
        self.requests = min(max(1, requests), Self.maximum)
        self.period = period
        self.burst = min(max(0, burst), Self.maximum)
        self.key = key
    }

    /// The time one request's allowance takes to come back, in milliseconds (at least 1): 6000 for 10 a minute.
    public var interval: Int64 { max(1, period.milliseconds / Int64(requests)) }

    /// What the request is counted by; `nil`: it is not counted.
    public func key(of request: Request) -> String? {
        switch key {
        case .clientIP: return request.ip ?? request.remoteAddress ?? ""
        case .header(let name):
            guard let value = request.headers.get(name), !value.isEmpty else { return nil }
            return value
        }
    }

    /// `10r/m burst=5`, as nginx writes it (plus the key when it is a header).
    public var description: String {
        var text = "\(requests)r/\(period == .second ? "s" : "m")"
        if burst > 0 { text += " burst=\(burst)" }
        if case .header(let name) = key { text += " key=\(name)" }
        return text
    }

    /// The generic cell rate algorithm (nginx's leaky bucket with `nodelay`, kept as one number per key): `tat` is
    /// when the key's allowance is whole again (0 for a key not seen), `now` the time, both in milliseconds.
    /// - Returns: the key's new `tat` when the request is admitted; else how long until one would be, in ms.
    public func admit(tat: Int64, now: Int64) -> Admission {
        let start = max(tat, now)
        let tolerance = interval * Int64(burst)
        if start - now > tolerance { return .limited(retryAfterMilliseconds: start - now - tolerance) }
        return .admitted(tat: start + interval)
    }

    /// The outcome of ``admit(tat:now:)``.
    public enum Admission: Sendable, Hashable {
        case admitted(tat: Int64)
        case limited(retryAfterMilliseconds: Int64)
    }

    /// The latest `tat` a key can have: anything later came from a clock that went back, and is forgotten.
    public var horizon: Int64 { interval * Int64(burst + 1) }
}
