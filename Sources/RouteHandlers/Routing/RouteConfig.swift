/// A route's segment config: in a file-based route, top-level `let`s in its `route.swift`, as Next.js's
/// `export const …`:
///
/// ```swift
/// let revalidate = 60        // shared caches may keep a GET for 60 s
/// let maxDuration = 2        // cancel the handler and answer 504 after 2 s
/// let bodyLimit = "2m"       // 413 above 2 MiB (replaces the server's --max-body-size, larger or smaller)
/// let requestBuffering = false // nginx passes the body on as it arrives (fastcgi_request_buffering off)
/// let etag = false           // no ETag of the body (and so no 304) for this route's GETs
/// let tags = ["posts"]       // revalidateTag("posts") refreshes this route's cached answer
/// let dynamic = .forceStatic // GET rendered once by `export`, served by nginx as a file
/// let rateLimit = RateLimit(10, per: .minute, burst: 5) // 429 with Retry-After beyond it, per client
/// let maxConcurrency = 4     // 429 while 4 requests to the route are being served
/// ```
///
/// The route-tree generator checks the names and types at build time and also writes them into the nginx
/// include it generates, so that nginx and the app agree on every limit.
public struct RouteConfig: Sendable, Hashable {
    /// How long shared caches may keep a successful GET or HEAD response.
    public enum Revalidate: Sendable, Hashable {
        /// Fresh for this many seconds, then served stale while one request refreshes it. `0`: never cached.
        case seconds(Int)
        /// `false`: cached for good (a year), never revalidated.
        case never
    }

    /// Whether a route's GET is answered per request or rendered once, ahead of time (Next.js's `dynamic`).
    public enum Dynamic: String, Sendable, Hashable {
        /// Per request (the default).
        case auto
        /// Per request, said explicitly (`"force-dynamic"`).
        case forceDynamic = "force-dynamic"
        /// Rendered once by the executable's `export` command (for each of `generateStaticParams()`'s params when
        /// the route has dynamic segments) into files that nginx serves without reaching the app. The handler
        /// still answers where no export is in front: the test client, CGI, a missing file, params it did not list.
        case forceStatic = "force-static"
    }

    /// How long shared caches may keep a successful GET or HEAD response (``cacheControl``); `nil`: no header.
    public var revalidate: Revalidate?
    /// How long the route's handler (and its route-level middleware and after-work) may run before it is
    /// cancelled and the client gets 504. It replaces the server's `--request-timeout` for this route.
    public var maxDuration: Duration?
    /// The largest request body the route accepts, in bytes. It replaces the server's global limit
    /// (`--max-body-size`), so it may be larger (an upload route) or smaller. A body known to be larger (buffered,
    /// or a declared `Content-Length`) gets 413 before the handler runs; a streamed one makes its readers throw
    /// 413 as soon as the bytes pass the limit.
    public var bodyLimit: Int?
    /// Whether the route gets its body whole (`nil`, `true`: the default) or as a stream (`false`). `false`
    /// hands the route's middleware and handler a body that is still arriving (read it with
    /// ``Request/bodyChunks`` or the asynchronous readers, not `request.body.bytes`), and writes
    /// `fastcgi_request_buffering off` into the generated nginx include, so that an upload streams from the
    /// client to the handler without nginx keeping it in a temporary file first. Other routes get a body that
    /// arrived in pieces collected first, up to their limit.
    public var requestBuffering: Bool?
    /// Whether a successful GET whose body is in memory gets a strong `ETag` of it, and so a 304 for a matching
    /// `If-None-Match` (`nil`, `true`: the default). `false` for a body that changes on every request anyway
    /// (a timestamp, a random value), where hashing it buys nothing.
    public var etag: Bool?
    /// The cache tags of the route's answers: ``revalidateTag(_:)`` with one of them refreshes what the web server
    /// cached for the route (its path, for a route without dynamic segments).
    public var tags: [String]?
    /// Whether the route's GET is rendered ahead of time (``Dynamic/forceStatic``); `nil`: per request.
    public var dynamic: Dynamic?
    /// How many requests the route admits per client or key (nginx's `limit_req`, which the generated include
    /// sets up); beyond it, 429 with `Retry-After`. Enforced by nginx where the include is in front, else in the
    /// app, across every worker of the pool (and every CGI process).
    public var rateLimit: RateLimit?
    /// How many requests to the route may be served at once, across the pool (nginx's `limit_conn`); 429 beyond.
    public var maxConcurrency: Int?

    public init(
        revalidate: Revalidate? = nil, maxDuration: Duration? = nil, bodyLimit: Int? = nil, requestBuffering: Bool? = nil,
        etag: Bool? = nil, tags: [String]? = nil, dynamic: Dynamic? = nil, rateLimit: RateLimit? = nil, maxConcurrency: Int? = nil
    ) {
        self.rateLimit = rateLimit
        self.maxConcurrency = maxConcurrency
        self.dynamic = dynamic
        self.tags = tags
        self.revalidate = revalidate
        self.maxDuration = maxDuration
        self.bodyLimit = bodyLimit
        self.requestBuffering = requestBuffering
        self.etag = etag
    }

    public var isEmpty: Bool {
        revalidate == nil && maxDuration == nil && bodyLimit == nil && requestBuffering == nil && etag == nil && tags == nil
            && dynamic == nil && rateLimit == nil && maxConcurrency == nil
    }

    /// Whether the route is rendered ahead of time.
    public var isStatic: Bool { dynamic == .forceStatic }

    /// The `Cache-Control` a successful GET or HEAD gets when its handler set none. As Next.js 15 does, the
    /// response may be served stale while it is refreshed for a year minus its freshness.
    public var cacheControl: String? {
        switch revalidate {
        case nil: return nil
        case .seconds(let seconds) where seconds <= 0:
            return "private, no-cache, no-store, max-age=0, must-revalidate"
        case .seconds(let seconds):
            return "public, s-maxage=\(seconds), stale-while-revalidate=\(max(1, Self.year - seconds))"
        case .never:
            return "public, s-maxage=\(Self.year)"
        }
    }

    static let year = 31_536_000
}

extension Request {
    /// The one place a request's body limit is resolved: the route's own `bodyLimit` replaces the server's
    /// (`--max-body-size`, which the gateway set), larger or smaller. Middleware may still lower it
    /// (``limitingBody(to:)``).
    mutating func applyBodyLimit(of config: RouteConfig) {
        if let limit = config.bodyLimit { bodyLimit = limit }
    }
}
