import HTTPTypes

/// A route table built in code, with the same pattern grammar as file-based routes:
///
/// ```swift
/// var router = Router()
/// router.get("/api/users/[id]") { request, context in
///     .json(["id": context.params.id])
/// }
/// ```
///
/// Middleware is added with `use(_:)` (every request, including those that match no route) and
/// `use(_:_:)` (the routes under a path prefix); see ``RouteMiddleware``.
///
/// Problems with patterns (an invalid segment, two routes for one URL) are collected and reported together by
/// ``responder(configuration:)``.
public struct Router: Sendable {
    struct Entry: Sendable {
        var pattern: RoutePattern
        var source: String
        var methods: MethodTable
    }

    struct ScopedMiddleware: Sendable {
        /// `nil` for global middleware.
        var prefix: RoutePattern?
        var middleware: any RouteMiddleware
    }

    private(set) var entries: [Entry] = []
    /// Redirects, rewrites, headers, base path and trailing slash (Next.js's `next.config`): a file-based router's
    /// come from `app/route-handlers.json`.
    public var site = SiteConfig()
    /// The `generateStaticParams()` of force-static routes, by pattern (``staticParams(_:_:)``).
    var staticParamGenerators: [RoutePattern: @Sendable () async throws -> [StaticRoute.Params]] = [:]
    private var errors: [RouteError] = []
    private var scoped: [ScopedMiddleware] = []

    public init() {}

    /// Adds a handler for `method` at `pattern`. `source` names the route in error messages and the route table
    /// (file-based routes pass their file); `middleware` runs around this route's handlers only (after global
    /// and prefix middleware, the first outermost); `config` is the route's segment config.
    public mutating func add(
        _ pattern: String, _ method: HTTPRequest.Method, source: String? = nil, middleware: [any RouteMiddleware] = [],
        config: RouteConfig = RouteConfig(), _ handler: @escaping RouteHandler
    ) {
        do throws(RouteError) {
            let parsed = try RoutePattern(pattern)
            let source = source ?? pattern
            if let index = entries.firstIndex(where: { $0.pattern == parsed && $0.source == source }) {
                guard entries[index].methods.handlers[method] == nil else {
                    throw RouteError(.duplicateMethod, "\(method) \(parsed) is defined twice (\(source)).")
                }
                entries[index].methods.handlers[method] = handler
            } else {
                var methods = MethodTable(handlers: [method: handler])
                methods.middleware = middleware
                methods.config = config
                entries.append(Entry(pattern: parsed, source: source, methods: methods))
            }
        } catch {
            errors.append(error)
        }
    }

    /// Adds middleware that runs for every request: around every route, and also for requests that match none
    /// (404, 405, the trailing-slash redirect, automatic OPTIONS). Global middleware runs first, in the order added.
    public mutating func use(_ middleware: some RouteMiddleware) {
        scoped.append(ScopedMiddleware(prefix: nil, middleware: middleware))
    }

    /// Adds middleware written as a closure that runs for every request (see ``use(_:)-(RouteMiddleware)``).
    public mutating func use(_ body: @escaping @Sendable (Request, Context, MiddlewareNext) async throws -> Response) {
        use(MiddlewareFunction(body))
    }

    /// Adds middleware around every route whose pattern starts with `prefix` (whole segments, in the pattern
    /// grammar: `/api/admin`, `/api/users/[id]`). It runs after global middleware; prefix middleware runs in the
    /// order added.
    public mutating func use(_ prefix: String, _ middleware: some RouteMiddleware) {
        do throws(RouteError) {
            scoped.append(ScopedMiddleware(prefix: try RoutePattern(prefix), middleware: middleware))
        } catch {
            errors.append(error)
        }
    }

    /// Adds middleware written as a closure around the routes under `prefix` (see ``use(_:_:)-(String,RouteMiddleware)``).
    public mutating func use(
        _ prefix: String, _ body: @escaping @Sendable (Request, Context, MiddlewareNext) async throws -> Response
    ) {
        use(prefix, MiddlewareFunction(source: prefix, body))
    }

    /// The middleware that runs for every request, outermost first.
    var globalMiddleware: [any RouteMiddleware] {
        scoped.filter { $0.prefix == nil }.map(\.middleware)
    }

    /// The whole chain of the route at `pattern` with its own middleware, outermost first.
    func chain(for pattern: RoutePattern, own: [any RouteMiddleware]) -> [any RouteMiddleware] {
        let prefixed = scoped.filter { scope in
            guard let prefix = scope.prefix else { return false }
            return pattern.segments.starts(with: prefix.segments)
        }
        return globalMiddleware + prefixed.map(\.middleware) + own
    }

    public mutating func get(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .get, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .post, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .put, handler) }
    public mutating func patch(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .patch, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .delete, handler) }
    public mutating func head(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .head, handler) }
    public mutating func options(_ pattern: String, _ handler: @escaping RouteHandler) { add(pattern, .options, handler) }

    /// Freezes the table into the responder that serves requests.
    /// - Throws: ``RouteErrors`` listing every problem found in the table.
    public func responder(configuration: RouteResponder.Configuration = .init()) throws(RouteErrors) -> RouteResponder {
        var configuration = configuration
        // The site's base path goes under the configuration's (a CGI script's mount point).
        if let basePath = site.basePath { configuration.basePath += basePath.hasSuffix("/") ? String(basePath.dropLast()) : basePath }
        if site.trailingSlash == true { configuration.trailingSlash = .redirectToSlash }
        var builder = RouteTreeBuilder<MethodTable>()
        var errors = self.errors
        let global = globalMiddleware.count
        for entry in entries {
            var methods = entry.methods
            // Compiled once here: each route's own chain, minus the global part the responder runs around it.
            methods.middleware = Array(chain(for: entry.pattern, own: entry.methods.middleware).dropFirst(global))
            methods.route = MatchedRoute(pattern: entry.pattern, source: entry.source, allowedMethods: methods.allowedMethods)
            methods.compile()
            do throws(RouteError) {
                try builder.insert(entry.pattern, methods, source: entry.source)
            } catch {
                errors.append(error)
            }
        }
        guard errors.isEmpty else { throw RouteErrors(errors: errors) }
        var responder = RouteResponder(tree: builder.freeze(), configuration: configuration, middleware: globalMiddleware)
        responder.site = site
        for entry in entries where entry.pattern.segments.allSatisfy({ if case .literal = $0 { true } else { false } }) {
            for tag in entry.methods.config.tags ?? [] { responder.taggedPaths[tag, default: []].append(entry.pattern.description) }
        }
        return responder
    }
}

/// The handlers of one route, by method, with the route's middleware and segment config.
@_spi(Internal) public struct MethodTable: Sendable {
    package var handlers: [HTTPRequest.Method: RouteHandler]
    /// The route's middleware below the global ones, outermost first.
    package var middleware: [any RouteMiddleware] = []
    package var config = RouteConfig()
    /// What middleware sees in ``RouteContext/route``.
    var route: MatchedRoute?
    /// The route's middleware around its method dispatch, built by ``Router/responder(configuration:)``.
    var chain: RouteHandler?

    package init(handlers: [HTTPRequest.Method: RouteHandler] = [:]) {
        self.handlers = handlers
    }

    /// The methods the route answers, sorted: its own, plus HEAD when it has GET, plus OPTIONS.
    package var allowedMethods: [String] {
        var names = Set(handlers.keys.map(\.rawValue))
        if names.contains("GET") { names.insert("HEAD") }
        names.insert("OPTIONS")
        return names.sorted()
    }
}
