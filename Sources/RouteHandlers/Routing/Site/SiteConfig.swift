/// Next.js's `next.config` for the routes: `basePath`, `trailingSlash`, `redirects`, `rewrites` and `headers`, from
/// `app/route-handlers.json` (the route-tree generator checks it at build time and compiles it into `Router.app()`
/// and the nginx include), or set on ``Router/site`` in code.
///
/// ```json
/// {
///   "redirects": [{ "source": "/old-blog/:slug", "destination": "/blog/:slug", "permanent": true }],
///   "rewrites": [{ "source": "/api/v1/:path*", "destination": "/api/:path*" }],
///   "headers": [{ "source": "/api/:path*", "headers": [{ "key": "X-Frame-Options", "value": "DENY" }] }]
/// }
/// ```
///
/// As in Next.js: sources and destinations are relative to `basePath`; `headers` apply first (every matching rule,
/// a later one replacing an earlier one's header), then the first matching redirect, then the routes without dynamic
/// segments, then the first matching rewrite, then the dynamic routes. A redirect passes the query on.
public struct SiteConfig: Sendable, Hashable {
    /// A redirect: 308 (`permanent`) or 307, or the given `statusCode` (301, 302, 303, 307, 308).
    public struct Redirect: Sendable, Hashable {
        public var source: SitePattern
        /// A path (with `:name` from the source) or an absolute URL.
        public var destination: String
        public var statusCode: Int

        public init(source: SitePattern, destination: String, permanent: Bool, statusCode: Int? = nil) {
            self.source = source
            self.destination = destination
            self.statusCode = statusCode ?? (permanent ? 308 : 307)
        }
    }

    /// A rewrite: the request is answered by the destination's route, the address bar unchanged.
    public struct Rewrite: Sendable, Hashable {
        public var source: SitePattern
        /// A path, with `:name` from the source.
        public var destination: String

        public init(source: SitePattern, destination: String) {
            self.source = source
            self.destination = destination
        }
    }

    /// Headers set on every answer to a path matching `source`.
    public struct HeaderRule: Sendable, Hashable {
        public var source: SitePattern
        public var headers: [Header]

        public init(source: SitePattern, headers: [Header]) {
            self.source = source
            self.headers = headers
        }
    }

    public struct Header: Sendable, Hashable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// A prefix every route lives under (`/docs`); requests outside it get 404.
    public var basePath: String?
    /// `true`: `/x` redirects to `/x/` (308); `false` (the default): `/x/` to `/x`.
    public var trailingSlash: Bool?
    public var redirects: [Redirect]
    public var rewrites: [Rewrite]
    public var headers: [HeaderRule]

    public init(
        basePath: String? = nil, trailingSlash: Bool? = nil, redirects: [Redirect] = [], rewrites: [Rewrite] = [],
        headers: [HeaderRule] = []
    ) {
        self.basePath = basePath
        self.trailingSlash = trailingSlash
        self.redirects = redirects
        self.rewrites = rewrites
        self.headers = headers
    }

    public var isEmpty: Bool { self == SiteConfig() }
}
