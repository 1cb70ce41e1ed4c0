import HTTPTypes
import Logging

/// Serves requests from a frozen route table: resolves the path, picks the method's handler (HEAD and OPTIONS
/// fall back as in Next.js; other methods get 405 with `Allow`), runs it, and turns thrown errors into responses.
///
/// It never throws: every outcome is a ``Response``.
public struct RouteResponder: Sendable {
    /// How the responder treats paths and errors.
    public struct Configuration: Sendable {
        /// What to do with a path that ends in `/`.
        public enum TrailingSlash: Sendable {
            /// `/x/` answers 308 to `/x` (the default, as in Next.js).
            case redirectToNoSlash
            /// `/x` answers 308 to `/x/` (Next.js's `trailingSlash: true`).
            case redirectToSlash
            /// Both forms are served by the same route.
            case ignore
        }

        public var trailingSlash: TrailingSlash
        /// A prefix every route lives under, such as `/app`; requests outside it get 404.
        public var basePath: String
        /// Put an unexpected error's description in its 500 response. For development only.
        public var exposeErrorDetails: Bool
        /// The proxies whose forwarding headers ``Request/ip`` believes. None by default.
        public var trustedProxies: TrustedProxies
        /// Called for every error no middleware or handler answered (a 500, or an ``HTTPError`` of 500 and above),
        /// with the request, its route's pattern and its id, once the response is out; in every gateway. Next.js's
        /// `onRequestError`. See ``RequestErrorReport``.
        public var onRequestError: RequestErrorHook?
        /// Refreshes the web server's cached answers for ``revalidatePath(_:)`` and ``revalidateTag(_:)``; `nil`:
        /// they do nothing. The FastCGI application sets one from `ROUTE_HANDLERS_REVALIDATE_VIA`.
        public var revalidator: (any CacheRevalidator)?
        /// Counts the routes' ``RouteConfig/rateLimit`` and ``RouteConfig/maxConcurrency`` for requests the web
        /// server did not limit first; `nil`: not enforced in the app. One process's by default; the FastCGI
        /// application shares one across its workers and CGI processes.
        public var rateLimiter: (any RateLimiter)?
        /// Where the paths of tagged routes' cached answers are noted for ``revalidateTag(_:)`` (only while a
        /// ``revalidator`` is set). One process's by default; the FastCGI application shares one across its workers.
        public var taggedPathIndex: (any TaggedPathIndex)?

        public init(
            trailingSlash: TrailingSlash = .redirectToNoSlash, basePath: String = "", exposeErrorDetails: Bool = false,
            trustedProxies: TrustedProxies = .none, onRequestError: RequestErrorHook? = nil, revalidator: (any CacheRevalidator)? = nil,
            rateLimiter: (any RateLimiter)? = MemoryRateLimiter(), taggedPathIndex: (any TaggedPathIndex)? = MemoryTaggedPathIndex()
        ) {
            self.rateLimiter = rateLimiter
            self.taggedPathIndex = taggedPathIndex
            self.revalidator = revalidator
            self.trailingSlash = trailingSlash
            self.basePath = basePath.hasSuffix("/") ? String(basePath.dropLast()) : basePath
            self.exposeErrorDetails = exposeErrorDetails
            self.trustedProxies = trustedProxies
            self.onRequestError = onRequestError
        }
    }

    @_spi(Internal) public let tree: RouteTree<MethodTable>
    public let configuration: Configuration
    /// Middleware that runs for every request, matched or not, outermost first.
    public let middleware: [any RouteMiddleware]
    /// The global middleware around ``terminal(_:_:)``, composed once.
    private let chain: RouteHandler
    /// The paths of the routes without dynamic segments, by the tags in their config, for ``revalidateTag(_:)``.
    var taggedPaths: [String: [String]] = [:]
    /// The router's redirects, rewrites and headers (its ``Router/site``).
    var site = SiteConfig() {
        didSet { rerouter = Rerouter(responder: self) }
    }
    /// This responder, boxed once, for the global middleware's rewrites (``Request/rewritten(to:)``): one reference
    /// per request, not a copy.
    private(set) var rerouter: Rerouter?

    final class Rerouter: Sendable {
        let responder: RouteResponder
        init(responder: RouteResponder) { self.responder = responder }
    }

    @_spi(Internal) public init(
        tree: RouteTree<MethodTable>, configuration: Configuration = .init(), middleware: [any RouteMiddleware] = []
    ) {
        self.tree = tree
        self.configuration = configuration
        self.middleware = middleware
        self.chain = middleware.wrapping(Self.terminal)
        if !middleware.isEmpty { rerouter = Rerouter(responder: self) }
    }

    /// Answers one request.
    public func respond(to request: Request, requestID: String = RequestID.next(), logger: Logger) async -> Response {
        var logger = logger
        logger.handler = RequestLogHandler.wrapping(logger.handler, requestID: requestID)
        var request = request
        let original = request.url
        request.trustedProxies = configuration.trustedProxies
        let afterWork = AfterWork(requestID: requestID, logger: logger)
        let revalidation = configuration.revalidator == nil ? nil : Revalidation()
        var response: Response
        var routePattern: String?
        var active: ActiveDeadline?
        // Held until the response has been written (it goes with the response).
        var permit: ConcurrencyPermit?
        var routeConfig: RouteConfig?
        do {
            var context = Context(params: RouteParameters(), requestID: requestID, logger: logger)
            context.exposeErrorDetails = configuration.exposeErrorDetails
            let (target, rewritten) = resolve(request)
            context.target = target
            if let rewritten { request = rewritten }
            // Only global middleware can send a request elsewhere (Request.rewritten(to:)).
            if !middleware.isEmpty, let rerouter { context.routing = (request.url.pathname, rerouter) }
            if case .route(let methods, let parameters) = context.target {
                context.params = parameters
                context.route = methods.route
            }
            if let hook = configuration.onRequestError {
                routePattern = context.route?.pattern.description
                context.errorReporting = ErrorReporting(hook: hook, request: request, routePattern: routePattern)
            }
            if case .route(let methods, _) = context.target { routeConfig = methods.config }
            if let routeConfig, routeConfig.rateLimit != nil || routeConfig.maxConcurrency != nil {
                switch limit(request, route: context.route?.pattern.description ?? request.url.pathname, config: routeConfig) {
                case .success(let held): permit = held
                case .failure(let error): context.target = .failure(error)
                }
            }
            active = ActiveDeadline(
                RequestDeadline.resolved(server: request.deadline, route: routeConfig), executor: request.taskExecutor)
            context.deadline = active
            let routed = context
            // The server's limit covers the whole request; a route's maxDuration only its own chain (at terminal).
            if let active, active.deadline.origin == .requestTimeout {
                let received = request
                let chain = chain
                response = try await withDeadline(active.end + ActiveDeadline.middlewareGrace, executor: active.executor) {
                    try await Self.run(received, routed, chain: chain, afterWork: afterWork, revalidation: revalidation)
                }
            } else {
                // No closure to allocate on the common path.
                response = try await Self.run(request, routed, chain: chain, afterWork: afterWork, revalidation: revalidation)
            }
        } catch {
            var failure = error
            if let exceeded = error as? DeadlineExceeded, let active {
                failure = active.exceeded(exceeded, request, requestID: requestID, logger: logger)
            }
            let reporting = configuration.onRequestError.map { hook in
                ErrorReporting(hook: hook, request: request, routePattern: routePattern)
            }
            response = ErrorResponse.response(
                for: failure, requestID: requestID, exposeDetails: configuration.exposeErrorDetails, logger: logger, request: request,
                reporting: reporting, afterWork: afterWork)
        }
        response.runningHandler = active?.runningHandler
        response.concurrencyPermit = permit
        if !site.headers.isEmpty, let pathname = stripBasePath(original.pathname) {
            applySiteHeaders(to: &response, pathname: pathname)
        }
        response.afterWork = afterWork
        if let revalidation { await revalidate(revalidation, for: request, logger: logger) }
        if configuration.revalidator != nil, let routeConfig, routeConfig.tags != nil {
            noteCached(&response, request: request, target: original, config: routeConfig, afterWork: afterWork)
        }
        return response
    }

    /// The request's way through: its body collected when its route reads it in memory, then the global chain, with
    /// the request's after-work and revalidations bound to the task (inherited by a task a deadline starts).
    private static func run(
        _ request: Request, _ context: Context, chain: RouteHandler, afterWork: AfterWork, revalidation: Revalidation?
    ) async throws -> Response {
        var request = try await bufferingBody(of: request, for: context.target)
        var sharedCacheControl: String?
        if case .route(let methods, _) = context.target, methods.config.revalidate != nil {
            sharedCacheControl = methods.config.cacheControl
        }
        let reads = CacheSafety.watch(&request, routeCacheControl: sharedCacheControl)
        let watched = request
        var response = try await AfterWork.$current.withValue(afterWork) {
            // Without a revalidator revalidatePath does nothing: no task-local to bind on every request.
            guard let revalidation else { return try await chain(watched, context) }
            return try await Revalidation.$current.withValue(revalidation) { try await chain(watched, context) }
        }
        if let reads, let sharedCacheControl {
            CacheSafety.apply(to: &response, reads: reads, routeCacheControl: sharedCacheControl)
        }
        return response
    }

    /// Refreshes what the request asked for (also after an error: the change may have been made), before its
    /// response goes out, so that the client's next GET sees the change.
    private func revalidate(_ revalidation: Revalidation, for request: Request, logger: Logger) async {
        let tags = revalidation.tags
        let recorded = tags.isEmpty ? [] : await configuration.taggedPathIndex?.paths(tags: tags) ?? []
        // The index holds request targets, base path and all; the route table's paths are the router's.
        let paths = revalidation.paths(taggedPaths: taggedPaths).map { configuration.basePath + $0 } + recorded
        guard !paths.isEmpty, let revalidator = configuration.revalidator else { return }
        let host = HTTPField.Name("Host").flatMap { request.headers.storage[$0] }
        var seen: Set<String> = []
        await revalidator.revalidate(paths: paths.filter { seen.insert($0).inserted }, host: host, logger: logger)
    }

    /// A streamed body is collected (under the route's limit, 413 above it) before any middleware runs, unless the
    /// matched route reads its body as a stream (`requestBuffering = false`): middleware and handlers written for
    /// a body in memory (`request.body.bytes`) keep working whatever way the body arrived.
    private static func bufferingBody(of request: Request, for target: Target?) async throws -> Request {
        guard request.body.isStreamed else { return request }
        var request = request
        if case .route(let methods, _) = target {
            if methods.config.requestBuffering == false { return request }
            request.applyBodyLimit(of: methods.config)
        }
        // A declared length over the limit is refused before waiting for the bytes.
        try request.checkBodyLimitEarly()
        request.body = RequestBody(bytes: try await request.bytes())
        return request
    }

    /// Where routing sends a request, decided before any middleware runs.
    enum Target: Sendable {
        case redirect(Response)
        case failure(HTTPError)
        case route(MethodTable, RouteParameters)
    }

    /// Where the request goes, and the request a rewrite made of it. In Next.js's order: the trailing slash, the base
    /// path, redirects, the routes without dynamic segments, rewrites, then the dynamic routes.
    func resolve(_ request: Request) -> (Target, Request?) {
        if let redirect = trailingSlashRedirect(request.url) { return (.redirect(redirect), nil) }
        guard let pathname = stripBasePath(request.url.pathname) else { return (.failure(notFound(request)), nil) }
        if !site.redirects.isEmpty, let redirect = siteRedirect(pathname, request.url) { return (.redirect(redirect), nil) }
        do throws(HTTPError) {
            var match = try tree.resolve(pathname: pathname)
            var rewritten: Request?
            if !site.rewrites.isEmpty, match.map({ Self.isLiteral($0.route.pattern) }) != true,
                let rewrite = siteRewrite(pathname, request)
            {
                rewritten = rewrite.request
                match = try tree.resolve(pathname: rewrite.pathname)
            }
            guard let match else { return (.failure(notFound(rewritten ?? request)), rewritten) }
            RouteRecorder.current?.record(match.route.pattern)
            return (.route(match.route.value, match.parameters), rewritten)
        } catch {
            return (.failure(error), nil)
        }
    }

    static func isLiteral(_ pattern: RoutePattern) -> Bool {
        pattern.segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// The end of the global chain: the routing outcome, the matched route's own chain for a match.
    @Sendable
    private static func terminal(_ request: Request, _ received: Context) async throws -> Response {
        let context = rerouted(request, received)
        switch context.target {
        case .redirect(let response): return response
        case .failure(let error): throw error
        case .route(let methods, _):
            guard let deadline = context.deadline else { return try await methods.compiledChain(request, context) }
            do {
                return try await withDeadline(deadline.routeEnd(afterWork: AfterWork.current), executor: deadline.executor) {
                    try await methods.compiledChain(request, context)
                }
            } catch let exceeded as DeadlineExceeded {
                throw deadline.exceeded(exceeded, request, requestID: context.requestID, logger: context.logger)
            }
        case nil: throw HTTPError(.notFound)
        }
    }

    /// The context for the route of the request's new path, when the global middleware rewrote it.
    private static func rerouted(_ request: Request, _ context: Context) -> Context {
        guard let routing = context.routing, routing.pathname != request.url.pathname else { return context }
        var context = context
        context.target = routing.rerouter.responder.resolve(request).0
        context.params = RouteParameters()
        context.route = nil
        if case .route(let methods, let parameters) = context.target {
            context.params = parameters
            context.route = methods.route
        }
        return context
    }

    private func notFound(_ request: Request) -> HTTPError {
        HTTPError(.notFound, "No route matches \(request.url.pathname).")
    }

    private func stripBasePath(_ pathname: String) -> String? {
        guard !configuration.basePath.isEmpty else { return pathname }
        guard pathname.hasPrefix(configuration.basePath) else { return nil }
        let rest = pathname.dropFirst(configuration.basePath.count)
        guard rest.isEmpty || rest.hasPrefix("/") else { return nil }
        return rest.isEmpty ? "/" : String(rest)
    }

    private func trailingSlashRedirect(_ url: RequestURL) -> Response? {
        let path = url.pathname
        guard path != "/", path != configuration.basePath else { return nil }
        switch configuration.trailingSlash {
        case .ignore:
            return nil
        case .redirectToNoSlash:
            guard path.hasSuffix("/") else { return nil }
            var trimmed = Substring(path)
            while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            return Self.permanentRedirect(to: String(trimmed) + url.search)
        case .redirectToSlash:
            guard !path.hasSuffix("/") else { return nil }
            return Self.permanentRedirect(to: path + "/" + url.search)
        }
    }

    private static func permanentRedirect(to location: String) -> Response {
        // "//evil.example" would be read as another host: never emit a location starting with two slashes.
        var location = location
        while location.hasPrefix("//") { location.removeFirst() }
        return Response(status: .permanentRedirect, headers: ["Location": location])
    }

    /// HEAD answered by GET: headers kept, `Content-Length` set to what GET's body would have been.
    static func droppingBody(_ response: Response) -> Response {
        var response = response
        if let bytes = response.body.bytes, !response.headers.has("Content-Length") {
            response.headers.set("Content-Length", String(bytes.count))
        }
        response.body = .empty
        return response
    }
}
