import Metrics
import Synchronization

/// swift-metrics for every request, with the names and dimensions of Hummingbird's `MetricsMiddleware`:
/// `hb.requests` (counter), `http.server.request.duration` (timer), `hb.request.errors` (counter, 5xx answers) by
/// `http.route` (the route pattern; ``RequestObserver/unmatchedRoute`` for a request that matched none),
/// `http.request.method` and `http.response.status_code` (`error.type` for errors), and
/// `http.server.active_requests` (meter) by method. Made only when a `MetricsSystem` is bootstrapped.
final class RequestMetrics: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }
    private struct Endpoint {
        let requests: Counter
        let duration: Timer
        let errors: Counter
    }
    private let meters = Mutex<[String: Meter]>([:])
    private let endpoints = Mutex<[Key: Endpoint]>([:])

    /// `nil` when no metrics backend is bootstrapped: then requests cost nothing here.
    static func ifBootstrapped() -> RequestMetrics? {
        MetricsSystem.factory is NOOPMetricsHandler ? nil : RequestMetrics()
    }

    func begin(method: String) {
        meter(method).increment()
    }

    func end(route: String, method: String, status: Int, nanoseconds: Int64) {
        let key = Key(route: route, method: method, status: status)
        let endpoint = endpoints.withLock { table in
            if let found = table[key] { return found }
            let dimensions = [("http.route", route), ("http.request.method", method), ("http.response.status_code", String(status))]
            let made = Endpoint(
                requests: Counter(label: "hb.requests", dimensions: dimensions),
                duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds),
                errors: Counter(
                    label: "hb.request.errors",
                    dimensions: [("http.route", route), ("http.request.method", method), ("error.type", String(status))]))
            table[key] = made
            return made
        }
        endpoint.requests.increment()
        endpoint.duration.recordNanoseconds(nanoseconds)
        if status >= 500 { endpoint.errors.increment() }
        meter(method).decrement()
    }

    private func meter(_ method: String) -> Meter {
        meters.withLock { table in
            if let found = table[method] { return found }
            let made = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method)])
            table[method] = made
            return made
        }
    }
}
