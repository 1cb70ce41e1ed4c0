/// A frozen route tree: flat arrays of nodes and routes, built once by ``RouteTreeBuilder`` and shared by every
/// request.
public struct RouteTree<Value: Sendable>: Sendable {
    struct Node: Sendable {
        var literals: [String: Int]
        var parameter: Int
        var parameterName: String
        var catchAll: Int
        var catchAllName: String
        var optionalCatchAll: Int
        var optionalCatchAllName: String
        var route: Int
    }

    /// A route of the tree.
    public struct Route: Sendable {
        public var pattern: RoutePattern
        public var value: Value
        public var source: String
    }

    let nodes: [Node]
    /// Every route, in insertion order.
    public let routes: [Route]

    init(nodes: [Node], routes: [Route]) {
        self.nodes = nodes
        self.routes = routes
    }
}

/// The route a path resolved to, and what its dynamic segments matched.
public struct RouteMatch<Value: Sendable>: Sendable {
    public var route: RouteTree<Value>.Route
    public var parameters: RouteParameters
}
