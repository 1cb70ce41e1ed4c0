import RouteHandlers

/// 3 requests a minute per client, 2 of them beyond the steady rate (nginx's `burst=2 nodelay`): 3 requests in a
/// row pass, the fourth gets 429 with `Retry-After: 20`, and one more passes every 20 seconds. nginx counts them where the generated include is in front; the app does otherwise (CGI, the
/// test client), across every worker.
let rateLimit = RateLimit(3, per: .minute, burst: 2)

/// GET /api/limited: `{"limited":true}`, within the route's rate.
func GET() -> Response {
    .json(["limited": true])
}
