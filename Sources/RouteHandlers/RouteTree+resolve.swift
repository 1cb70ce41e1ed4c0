extension RouteTree {
    /// Finds the route for a path's decoded segments.
    ///
    /// At each level a literal beats `[x]`, which beats `[...x]`, which beats `[[...x]]`; when a more specific
    /// branch dead-ends deeper down, resolution backtracks and tries the next one. A static path resolves without
    /// allocating.
    public func resolve(_ segments: [String]) -> RouteMatch<Value>? {
        var parameters = RouteParameters()
        guard let route = match(node: 0, segments: segments, at: 0, parameters: &parameters) else { return nil }
        return RouteMatch(route: routes[route], parameters: parameters)
    }

    /// Finds the route for a raw pathname such as `/api/users/42`.
    /// - Throws: ``HTTPError`` 400 for a malformed percent escape.
    public func resolve(pathname: String) throws(HTTPError) -> RouteMatch<Value>? {
        resolve(try RequestPath.decodedSegments(pathname))
    }

    private func match(node index: Int, segments: [String], at position: Int, parameters: inout RouteParameters) -> Int? {
        let node = nodes[index]
        guard position < segments.count else {
            if node.route >= 0 { return node.route }
            if node.optionalCatchAll >= 0, nodes[node.optionalCatchAll].route >= 0 {
                parameters.append(node.optionalCatchAllName, .segments([]))
                return nodes[node.optionalCatchAll].route
            }
            return nil
        }
        let segment = segments[position]
        if let literal = node.literals[segment],
            let route = match(node: literal, segments: segments, at: position + 1, parameters: &parameters)
        {
            return route
        }
        if node.parameter >= 0 {
            parameters.append(node.parameterName, .segment(segment))
            if let route = match(node: node.parameter, segments: segments, at: position + 1, parameters: &parameters) {
                return route
            }
            parameters.removeLast()
        }
        if node.catchAll >= 0, nodes[node.catchAll].route >= 0 {
            parameters.append(node.catchAllName, .segments(Array(segments[position...])))
            return nodes[node.catchAll].route
        }
        if node.optionalCatchAll >= 0, nodes[node.optionalCatchAll].route >= 0 {
            parameters.append(node.optionalCatchAllName, .segments(Array(segments[position...])))
            return nodes[node.optionalCatchAll].route
        }
        return nil
    }
}
