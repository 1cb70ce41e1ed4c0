import RouteHandlers

// Counted per API key: requests without one are not counted.
let rateLimit = RateLimit(2, per: .minute, burst: 1, key: .header("X-API-Key"))
let maxConcurrency = 8

func GET() -> Response {
    .text("within quota")
}
