/// A frozen route tree: flat arrays of nodes and routes, built once by ``RouteTreeBuilder`` and shared by every
/// request.
///
/// Literal children are kept as UTF-8 bytes in one pool, sorted per node by length then bytes, so that a request
/// segment is compared in place, without building a `String`: resolving a static path allocates nothing.
@_spi(Internal) public struct RouteTree<Value: Sendable>: Sendable {
    /// A route of the tree.
    public struct Route: Sendable {
        public var pattern: RoutePattern
        public var value: Value
        public var source: String
    }

    /// The nodes, matched without generics (so that matching is compiled once, fully optimised, whatever
    /// `Value` and whichever module calls it).
    @usableFromInline let index: RouteIndex
    /// Every route, in insertion order.
    public let routes: [Route]

    init(index: RouteIndex, routes: [Route]) {
        self.index = index
        self.routes = routes
    }
}

/// The shape of a ``RouteTree``: its nodes and their literal children, with route indices at the leaves.
@usableFromInline
struct RouteIndex: Sendable {
    /// Plain integers only, so that walking the tree never retains or releases; `-1` is "none".
    struct Node: Sendable {
        /// This node's literal children: `literals[literalStart..<literalEnd]`.
        var literalStart: Int32
        var literalEnd: Int32
        var parameter: Int32
        var catchAll: Int32
        var optionalCatchAll: Int32
        var route: Int32
    }

    /// The names of a node's dynamic children, read only when a parameter is recorded.
    struct Names: Sendable {
        var parameter: String
        var catchAll: String
        var optionalCatchAll: String
    }

    /// A literal child: its decoded bytes (`bytes[start..<start + count]`) and the node it leads to.
    struct Literal: Sendable {
        var start: Int32
        var count: Int32
        var node: Int32
    }

    let nodes: [Node]
    /// `names[i]` belongs to `nodes[i]`.
    let names: [Names]
    let literals: [Literal]
    /// The bytes of every literal, back to back.
    let bytes: [UInt8]
}

/// The route a path resolved to, and what its dynamic segments matched.
@_spi(Internal) public struct RouteMatch<Value: Sendable>: Sendable {
    public var route: RouteTree<Value>.Route
    public var parameters: RouteParameters

    @usableFromInline
    init(route: RouteTree<Value>.Route, parameters: RouteParameters) {
        self.route = route
        self.parameters = parameters
    }
}
