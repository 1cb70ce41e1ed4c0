/// A route's segment config: in a file-based route, top-level `let`s in its `route.swift`, as Next.js's
/// `export const …`:
///
/// ```swift
/// let revalidate = 60        // shared caches may keep a GET for 60 s
/// let maxDuration = 2        // cancel the handler and answer 504 after 2 s
/// let bodyLimit = "2m"       // 413 above 2 MiB
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

    /// How long shared caches may keep a successful GET or HEAD response (``cacheControl``); `nil`: no header.
    public var revalidate: Revalidate?
    /// How long the route's handler (and its route-level middleware and after-work) may run before it is
    /// cancelled and the client gets 504.
    public var maxDuration: Duration?
    /// The largest request body the route accepts, in bytes; larger ones get 413 before the handler runs.
    public var bodyLimit: Int?

    public init(revalidate: Revalidate? = nil, maxDuration: Duration? = nil, bodyLimit: Int? = nil) {
        self.revalidate = revalidate
        self.maxDuration = maxDuration
        self.bodyLimit = bodyLimit
    }

    public var isEmpty: Bool { revalidate == nil && maxDuration == nil && bodyLimit == nil }

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
