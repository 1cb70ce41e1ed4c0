import Foundation
@_spi(Internal) import RouteHandlers

/// Turns an `app/` directory into Swift sources: one wrapper per `route.swift` and an index declaring
/// `Router.app()`.
///
/// Routes are validated with the runtime's own ``RoutePattern`` and ``RouteTreeBuilder``, so a tree that
/// generates is a tree that serves. Every problem is collected before failing, so one build shows them all.
public struct RouteTreeGenerator: Sendable {
    /// One route of the tree.
    public struct Route: Sendable {
        public var pattern: RoutePattern
        public var entry: AppDirectory.Entry
        /// The source of a route file (empty for a page).
        var source: String
        /// Method handlers of a route file (empty for a page).
        var handlers: [RouteFile.Handler]
        /// The route file's text, rewritten for sharing a module (empty for a page).
        var rewrittenSource: String
        /// The route's segment config (`let revalidate`, `maxDuration`, `bodyLimit` in its route.swift).
        public var config = RouteConfig()
        /// The middleware files around the route, outermost first (the root `app/middleware.swift` included).
        public var middleware: [AppDirectory.Entry] = []
        /// The route file's `generateStaticParams()`, if any.
        var staticParams: RouteFile.Handler?

        /// The methods the route answers, as `Allow` lists them (HEAD with GET, OPTIONS always).
        public var methods: [String] {
            var names = Set(entry.kind == .page ? ["GET"] : handlers.map(\.method))
            if names.contains("GET") { names.insert("HEAD") }
            names.insert("OPTIONS")
            return names.sorted()
        }
    }

    /// A `middleware.swift` file.
    public struct Middleware: Sendable {
        public var entry: AppDirectory.Entry
        var isAsync: Bool
        var isThrowing: Bool
        /// The file's text, rewritten for sharing a module.
        var rewrittenSource: String
        /// The paths it runs for (`let matcher`); empty: every path in its scope.
        var matcher: [String] = []
        /// Whether it is `app/middleware.swift`, which also runs for requests that match no route.
        public var isRoot: Bool { entry.folders.isEmpty }
    }

    public let app: AppDirectory
    /// The routes, sorted by URL pattern.
    public private(set) var routes: [Route] = []
    /// The middleware files, outermost first.
    public private(set) var middleware: [Middleware] = []
    /// `app/route-handlers.json`'s redirects, rewrites, headers, base path and trailing slash.
    public private(set) var site = SiteConfig()

    /// Scans and validates the `app/` directory at `path`.
    /// - Throws: ``GeneratorError`` with every problem found.
    public init(appDirectory path: String) throws(GeneratorError) {
        app = try AppDirectory(path: path)
        var diagnostics = app.diagnostics
        var builder = RouteTreeBuilder<Int>()
        var reportedFolders: Set<String> = []
        let byDisplayPath = Dictionary(app.entries.map { ($0.displayPath, $0.path) }, uniquingKeysWith: { first, _ in first })

        for entry in app.entries {
            // The pattern, folder by folder, so that an invalid folder name is reported once with its folder.
            var segments: [RoutePattern.Segment] = []
            var folderError = false
            for (index, folder) in entry.folders.enumerated() {
                do throws(RouteError) {
                    try Self.checkFolder(folder)
                    if let segment = try RoutePattern.parseSegment(Substring(folder)) {
                        try Self.checkSwiftSpelling(segment, folder: folder)
                        segments.append(segment)
                    }
                } catch {
                    folderError = true
                    let folderPath = entry.folders[...index].joined(separator: "/")
                    if reportedFolders.insert(folderPath).inserted {
                        diagnostics.append(.error(entry.path, "\(error.message) (folder \(app.displayName)/\(folderPath))"))
                    }
                    break
                }
            }
            guard !folderError else { continue }
            let pattern: RoutePattern
            do throws(RouteError) {
                pattern = try RoutePattern(segments: segments)
                try builder.insert(pattern, routes.count, source: entry.displayPath)
            } catch {
                diagnostics.append(.error(entry.path, error.message))
                if let other = error.otherSource, let otherPath = byDisplayPath[other], otherPath != entry.path {
                    diagnostics.append(Diagnostic(.note, path: otherPath, "The other route is defined here."))
                }
                continue
            }

            var route = Route(pattern: pattern, entry: entry, source: "", handlers: [], rewrittenSource: "")
            if entry.kind == .route {
                guard let data = FileManager.default.contents(atPath: entry.path) else {
                    diagnostics.append(.error(entry.path, "The route file cannot be read."))
                    continue
                }
                route.source = String(decoding: data, as: UTF8.self)
                let file = RouteFile(source: route.source, path: entry.path)
                diagnostics += file.diagnostics
                route.handlers = file.handlers
                route.rewrittenSource = file.rewrittenSource
                let config = RouteConfigFile(source: route.source, path: entry.path)
                diagnostics += config.diagnostics
                route.config = config.config
                route.staticParams = file.staticParams
                diagnostics += Self.staticProblems(route, dynamicLine: config.lines["dynamic"] ?? 1)
            }
            route.middleware = app.middleware.filter { entry.folders.starts(with: $0.folders) }
            routes.append(route)
        }
        for entry in app.middleware {
            guard let data = FileManager.default.contents(atPath: entry.path) else {
                diagnostics.append(.error(entry.path, "The middleware file cannot be read."))
                continue
            }
            let file = MiddlewareFile(source: String(decoding: data, as: UTF8.self), path: entry.path)
            diagnostics += file.diagnostics
            middleware.append(
                Middleware(
                    entry: entry, isAsync: file.isAsync, isThrowing: file.isThrowing, rewrittenSource: file.rewrittenSource,
                    matcher: file.matcher))
        }
        if let file = SiteConfigFile(appDirectory: path) {
            diagnostics += file.diagnostics
            site = file.config
        }
        guard diagnostics.isEmpty else { throw GeneratorError(diagnostics: diagnostics) }
        routes.sort { $0.pattern.description.utf8.lexicographicallyPrecedes($1.pattern.description.utf8) }
    }

    /// What keeps a route's `dynamic` and `generateStaticParams()` from making sense together.
    static func staticProblems(_ route: Route, dynamicLine: Int) -> [Diagnostic] {
        let path = route.entry.path
        guard route.config.isStatic else {
            guard let generator = route.staticParams else { return [] }
            return [
                .error(
                    path, line: generator.line,
                    "generateStaticParams() lists the paths to render ahead of time, which only a force-static route is: add let dynamic = .forceStatic, or remove it."
                )
            ]
        }
        var problems: [Diagnostic] = []
        let others = route.handlers.map(\.method).filter { $0 != "GET" && $0 != "HEAD" }
        if !others.isEmpty || !route.handlers.contains(where: { $0.method == "GET" }) {
            problems.append(
                .error(
                    path, line: dynamicLine,
                    "A force-static route answers GET only (rendered once, served as a file); this one \(others.isEmpty ? "has no GET" : "also exports " + others.joined(separator: ", ")). Move the other methods to a route of their own."
                ))
        }
        if let generator = route.staticParams, !generator.parameterLabels.isEmpty {
            problems.append(.error(path, line: generator.line, "generateStaticParams() takes no parameters and returns [Params]."))
        }
        if !route.pattern.parameterNames.isEmpty, route.staticParams == nil {
            problems.append(
                .error(
                    path, line: dynamicLine,
                    "A force-static route with dynamic segments (\(route.pattern.parameterNames.map { "[\($0)]" }.joined(separator: ", "))) needs func generateStaticParams() -> [Params], listing the paths to render."
                ))
        }
        return problems
    }

    /// The route table, as `next build` prints it: one line per route with its URL pattern, methods and file,
    /// then its segment config and middleware chain (outermost first) when it has them.
    public func routeTable() -> String {
        let rows = routes.map { ($0.pattern.description, $0.methods.joined(separator: " "), $0.entry.displayPath) }
        let header = ("Route", "Methods", "Source")
        let urlWidth = max(header.0.count, rows.map(\.0.count).max() ?? 0)
        let methodWidth = max(header.1.count, rows.map(\.1.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: width - text.count) }
        var lines = [pad(header.0, urlWidth) + "  " + pad(header.1, methodWidth) + "  " + header.2]
        for (route, row) in zip(routes, rows) {
            lines.append(pad(row.0, urlWidth) + "  " + pad(row.1, methodWidth) + "  " + row.2)
            let indent = String(repeating: " ", count: urlWidth + 2)
            if !route.config.isEmpty { lines.append(indent + "config: " + route.config.summary) }
            if !route.middleware.isEmpty {
                lines.append(indent + "middleware: " + route.middleware.map(\.displayPath).joined(separator: " > "))
            }
        }
        lines.append("\(routes.count) route\(routes.count == 1 ? "" : "s")")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension RouteConfig {
    /// `revalidate=60 maxDuration=2s bodyLimit=2097152`, for the route table.
    var summary: String {
        var parts: [String] = []
        switch revalidate {
        case .seconds(let seconds): parts.append("revalidate=\(seconds)")
        case .never: parts.append("revalidate=false")
        case nil: break
        }
        if let maxDuration { parts.append("maxDuration=\(maxDuration.components.seconds)s") }
        if let bodyLimit { parts.append("bodyLimit=\(bodyLimit)") }
        if let requestBuffering { parts.append("requestBuffering=\(requestBuffering)") }
        if let etag { parts.append("etag=\(etag)") }
        if let tags { parts.append("tags=\(tags.joined(separator: ","))") }
        if let dynamic { parts.append("dynamic=\(dynamic.rawValue)") }
        if let rateLimit { parts.append("rateLimit=" + rateLimit.description.replacingOccurrences(of: " ", with: ",")) }
        if let maxConcurrency { parts.append("maxConcurrency=\(maxConcurrency)") }
        return parts.joined(separator: " ")
    }
}
