/// The mutable form of a route tree: patterns are inserted, conflicts are reported as they appear, and
/// ``freeze()`` produces the flat, `Sendable` ``RouteTree`` used to serve requests.
///
/// `Value` is what a route carries: handlers at run time, source files in the route-tree generator.
@_spi(Internal) public struct RouteTreeBuilder<Value: Sendable> {
    struct Node {
        var literals: [String: Int] = [:]
        var parameter: (name: String, node: Int)?
        var catchAll: (name: String, node: Int)?
        var optionalCatchAll: (name: String, node: Int)?
        var route: Int?
    }

    struct Route {
        var pattern: RoutePattern
        var value: Value
        var source: String
    }

    var nodes: [Node] = [Node()]
    var routes: [Route] = []

    public init() {}

    /// The routes inserted so far, in order.
    public var values: [(pattern: RoutePattern, value: Value, source: String)] {
        routes.map { ($0.pattern, $0.value, $0.source) }
    }

    /// Inserts a route. `source` names where it came from (a file, or the pattern itself) in error messages.
    /// - Throws: ``RouteError`` when the route conflicts with one inserted before; the tree is unchanged then.
    public mutating func insert(_ pattern: RoutePattern, _ value: Value, source: String? = nil) throws(RouteError) {
        let source = source ?? pattern.description
        var copy = self
        var node = 0
        for (index, segment) in pattern.segments.enumerated() {
            let level = "/" + pattern.segments[..<index].map(\.sourceText).joined(separator: "/")
            node = try copy.child(of: node, for: segment, level: level)
        }
        if let existing = copy.nodes[node].route {
            let other = copy.routes[existing]
            throw RouteError(
                .duplicateRoute,
                "Routes \(other.source) and \(source) resolve to the same URL \(pattern).",
                otherSource: other.source)
        }
        if let optional = copy.nodes[node].optionalCatchAll {
            throw Self.shadowed(prefix: pattern.description, optionalName: optional.name, other: copy.source(under: optional.node))
        }
        copy.nodes[node].route = copy.routes.count
        copy.routes.append(Route(pattern: pattern, value: value, source: source))
        self = copy
    }

    private mutating func child(of node: Int, for segment: RoutePattern.Segment, level: String) throws(RouteError) -> Int {
        switch segment {
        case .literal(let text):
            if let existing = nodes[node].literals[text] { return existing }
            let new = appendNode()
            nodes[node].literals[text] = new
            return new
        case .parameter(let name):
            // `[x]` beside `[[...y]]` is fine, as in Next.js: `[x]` is tried first, with backtracking.
            if let existing = nodes[node].parameter {
                try Self.sameName(existing.name, name, other: source(under: existing.node))
                return existing.node
            }
            let new = appendNode()
            nodes[node].parameter = (name, new)
            return new
        case .catchAll(let name):
            if let optional = nodes[node].optionalCatchAll {
                throw RouteError(
                    .catchAllAndOptionalCatchAll,
                    "You cannot use both a required and an optional catch-all route at the same level (\"[[...\(optional.name)]]\" and \"[...\(name)]\" under \(level)).",
                    otherSource: source(under: optional.node))
            }
            if let existing = nodes[node].catchAll {
                try Self.sameName(existing.name, name, other: source(under: existing.node))
                return existing.node
            }
            let new = appendNode()
            nodes[node].catchAll = (name, new)
            return new
        case .optionalCatchAll(let name):
            if let required = nodes[node].catchAll {
                throw RouteError(
                    .catchAllAndOptionalCatchAll,
                    "You cannot use both a required and an optional catch-all route at the same level (\"[...\(required.name)]\" and \"[[...\(name)]]\" under \(level)).",
                    otherSource: source(under: required.node))
            }
            if let existing = nodes[node].optionalCatchAll {
                try Self.sameName(existing.name, name, other: source(under: existing.node))
                return existing.node
            }
            if let route = nodes[node].route {
                throw Self.shadowed(prefix: level, optionalName: name, other: routes[route].source)
            }
            let new = appendNode()
            nodes[node].optionalCatchAll = (name, new)
            return new
        }
    }

    private static func sameName(_ existing: String, _ new: String, other: String?) throws(RouteError) {
        guard existing != new else { return }
        throw RouteError(
            .differentParameterNames,
            "You cannot use different slug names for the same dynamic path ('\(existing)' !== '\(new)').",
            otherSource: other)
    }

    private static func shadowed(prefix: String, optionalName: String, other: String?) -> RouteError {
        let base = prefix == "/" ? "" : prefix
        return RouteError(
            .optionalCatchAllShadowsRoute,
            "You cannot define a route with the same specificity as an optional catch-all route (\"\(prefix)\" and \"\(base)/[[...\(optionalName)]]\").",
            otherSource: other)
    }

    /// The source of some route at or below `node`, to name the other side of a conflict.
    private func source(under node: Int) -> String? {
        if let route = nodes[node].route { return routes[route].source }
        let children =
            nodes[node].literals.values.sorted()
            + [nodes[node].parameter?.node, nodes[node].catchAll?.node, nodes[node].optionalCatchAll?.node].compactMap { $0 }
        for child in children {
            if let found = source(under: child) { return found }
        }
        return nil
    }

    private mutating func appendNode() -> Int {
        nodes.append(Node())
        return nodes.count - 1
    }

    /// The immutable tree for serving.
    public func freeze() -> RouteTree<Value> {
        var frozen: [RouteIndex.Node] = []
        var literals: [RouteIndex.Literal] = []
        var bytes: [UInt8] = []
        for node in nodes {
            // Sorted by length, then bytes: the order `RouteTree.literalChild` searches in.
            let children = node.literals.map { (Array($0.key.utf8), $0.value) }.sorted { a, b in
                a.0.count != b.0.count ? a.0.count < b.0.count : a.0.lexicographicallyPrecedes(b.0)
            }
            let start = Int32(literals.count)
            for (key, child) in children {
                literals.append(.init(start: Int32(bytes.count), count: Int32(key.count), node: Int32(child)))
                bytes += key
            }
            frozen.append(
                RouteIndex.Node(
                    literalStart: start, literalEnd: Int32(literals.count),
                    parameter: Int32(node.parameter?.node ?? -1),
                    catchAll: Int32(node.catchAll?.node ?? -1),
                    optionalCatchAll: Int32(node.optionalCatchAll?.node ?? -1),
                    route: Int32(node.route ?? -1)))
        }
        let names = nodes.map {
            RouteIndex.Names(
                parameter: $0.parameter?.name ?? "", catchAll: $0.catchAll?.name ?? "",
                optionalCatchAll: $0.optionalCatchAll?.name ?? "")
        }
        return RouteTree(
            index: RouteIndex(nodes: frozen, names: names, literals: literals, bytes: bytes),
            routes: routes.map { RouteTree<Value>.Route(pattern: $0.pattern, value: $0.value, source: $0.source) })
    }
}

extension RouteError {
    init(_ code: Code, _ message: String, otherSource: String?) {
        self.init(code, message)
        self.otherSource = otherSource
    }
}
