extension Router {
    /// Registers the `generateStaticParams()` of the force-static route at `pattern`: the params of each path
    /// ``StaticRoute/paths()`` renders. The generated route tree calls it for a route file that defines one.
    public mutating func staticParams(_ pattern: String, _ generate: @escaping @Sendable () async throws -> [StaticRoute.Params]) {
        guard let parsed = try? RoutePattern(pattern) else { return }
        staticParamGenerators[parsed] = generate
    }

    /// The routes whose GET is rendered ahead of time (``RouteConfig/Dynamic/forceStatic``), in the order added.
    public var staticRoutes: [StaticRoute] {
        entries.filter { $0.methods.config.isStatic && $0.methods.handlers[.get] != nil }.map {
            StaticRoute(pattern: $0.pattern, source: $0.source, generate: staticParamGenerators[$0.pattern])
        }
    }
}
