extension RouteResponder {
    /// Counts the request against its route's rate and concurrency, unless the web server in front did (or
    /// no limiter is configured): a permit to hold while it is served, or the 429 to answer.
    func limit(_ request: Request, route: String, config: RouteConfig) -> Result<ConcurrencyPermit?, HTTPError> {
        guard let limiter = configuration.rateLimiter, !request.limitsEnforcedUpstream else { return .success(nil) }
        if let rateLimit = config.rateLimit, let key = rateLimit.key(of: request),
            case .limited(let retryAfter) = limiter.admit(route: route, key: key, limit: rateLimit)
        {
            return .failure(
                Self.tooManyRequests(
                    Self.tooManyRequestsDetail(route: route, rateLimit: rateLimit, maxConcurrency: nil), retryAfter: retryAfter))
        }
        guard let maxConcurrency = config.maxConcurrency else { return .success(nil) }
        guard let permit = limiter.enter(route: route, limit: maxConcurrency) else {
            return .failure(
                Self.tooManyRequests(
                    Self.tooManyRequestsDetail(route: route, rateLimit: nil, maxConcurrency: maxConcurrency), retryAfter: 1))
        }
        return .success(permit)
    }

    /// The 429's `detail`, naming the limit passed (both, for nginx's, which cannot tell which one it was).
    package static func tooManyRequestsDetail(route: String, rateLimit: RateLimit?, maxConcurrency: Int?) -> String {
        var limits: [String] = []
        if let rateLimit {
            limits.append(
                "\(rateLimit.requests) a \(rateLimit.period.rawValue)"
                    + (rateLimit.burst > 0 ? " and \(rateLimit.burst) at once beyond it" : ""))
        }
        if let maxConcurrency { limits.append("\(maxConcurrency) being served at once") }
        return "More requests than \(route) admits: " + limits.joined(separator: ", ") + "."
    }

    /// A 429 problem with `Retry-After`, as the generated nginx include answers one.
    static func tooManyRequests(_ detail: String, retryAfter: Int) -> HTTPError {
        HTTPError(.tooManyRequests, detail, headers: ["Retry-After": String(retryAfter)])
    }
}
