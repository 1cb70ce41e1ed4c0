extension RouteTree {
    /// Finds the route for a path's decoded segments.
    ///
    /// At each level a literal beats `[x]`, which beats `[...x]`, which beats `[[...x]]`; when a more specific
    /// branch dead-ends deeper down, resolution backtracks and tries the next one.
    @inlinable
    public func resolve(_ segments: [String]) -> RouteMatch<Value>? {
        var parameters = RouteParameters()
        guard let route = index.match(node: 0, segments: segments, at: 0, parameters: &parameters) else { return nil }
        return RouteMatch(route: routes[Int(route)], parameters: parameters)
    }

    /// Finds the route for a raw, percent-encoded pathname such as `/api/users/42`.
    ///
    /// The path is matched in place, segment by segment; a segment is decoded only when it holds an escape or
    /// becomes a parameter, and a catch-all is split on `/` before its segments are decoded. A static path
    /// without escapes resolves without allocating.
    /// - Throws: ``HTTPError`` 400 for a malformed percent escape anywhere in the path, or escapes that do not
    ///   decode to UTF-8.
    // Inlinable so that callers in other modules get it specialised for their `Value`; matching itself is not
    // generic and stays behind `RouteIndex`.
    @inlinable
    public func resolve(pathname: String) throws(HTTPError) -> RouteMatch<Value>? {
        let outcome = pathname.utf8.withContiguousStorageIfAvailable { path in
            RouteIndex.escapesAreValid(path) ? Outcome.resolved(resolve(path: path)) : .malformedEscape
        }
        switch outcome {
        case .resolved(let match):
            return match
        case .malformedEscape:
            try RequestPath.validateEscapes(pathname)  // throws, with a message naming the segment
            return nil
        case nil:
            var contiguous = pathname
            contiguous.makeContiguousUTF8()
            return try resolve(pathname: contiguous)
        }
    }

    @usableFromInline
    enum Outcome {
        case resolved(RouteMatch<Value>?)
        case malformedEscape
    }

    @inlinable
    func resolve(path: UnsafeBufferPointer<UInt8>) -> RouteMatch<Value>? {
        var parameters = RouteParameters()
        guard let route = index.match(node: 0, path: path, from: 0, parameters: &parameters) else { return nil }
        return RouteMatch(route: routes[Int(route)], parameters: parameters)
    }
}

extension RouteIndex {
    /// Whether every `%` starts a `%XX` escape and every segment's escapes decode to UTF-8 (so that no
    /// parameter is ever served with U+FFFD in place of bytes the client sent).
    @usableFromInline
    static func escapesAreValid(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        guard path.contains(percent) else { return true }
        return PercentDecoding.checkPath(path) == nil
    }

    // MARK: - Raw paths

    @usableFromInline
    func match(node index: Int32, path: UnsafeBufferPointer<UInt8>, from start: Int, parameters: inout RouteParameters) -> Int32? {
        var position = start
        while position < path.count, path[position] == Self.slash { position += 1 }
        guard position < path.count else { return endOfPath(at: index) }
        var end = position
        while end < path.count, path[end] != Self.slash { end += 1 }
        let segment = UnsafeBufferPointer(rebasing: path[position..<end])
        let escaped = segment.contains(Self.percent)
        let node = nodes[Int(index)]

        if node.literalStart < node.literalEnd {
            let child =
                escaped
                ? PercentDecoding.decode(segment).withUnsafeBufferPointer { literalChild(of: node, matching: $0) }
                : literalChild(of: node, matching: segment)
            if let child, let route = match(node: child, path: path, from: end, parameters: &parameters) {
                return route
            }
        }
        if node.parameter >= 0 {
            parameters.append(names[Int(index)].parameter, .segment(String(decoding: PercentDecoding.decode(segment), as: UTF8.self)))
            if let route = match(node: node.parameter, path: path, from: end, parameters: &parameters) {
                return route
            }
            parameters.removeLast()
        }
        if node.catchAll >= 0, nodes[Int(node.catchAll)].route >= 0 {
            parameters.append(names[Int(index)].catchAll, .segments(Self.decodedSegments(path, from: position)))
            return nodes[Int(node.catchAll)].route
        }
        if node.optionalCatchAll >= 0, nodes[Int(node.optionalCatchAll)].route >= 0 {
            parameters.append(names[Int(index)].optionalCatchAll, .segments(Self.decodedSegments(path, from: position)))
            return nodes[Int(node.optionalCatchAll)].route
        }
        return nil
    }

    private static func decodedSegments(_ path: UnsafeBufferPointer<UInt8>, from start: Int) -> [String] {
        path[start...].split(separator: slash).map {
            String(decoding: PercentDecoding.decode(UnsafeBufferPointer(rebasing: $0)), as: UTF8.self)
        }
    }

    // MARK: - Decoded segments

    @usableFromInline
    func match(node index: Int32, segments: [String], at position: Int, parameters: inout RouteParameters) -> Int32? {
        guard position < segments.count else { return endOfPath(at: index) }
        let node = nodes[Int(index)]
        var segment = segments[position]
        if node.literalStart < node.literalEnd,
            let child = segment.withUTF8({ literalChild(of: node, matching: $0) }),
            let route = match(node: child, segments: segments, at: position + 1, parameters: &parameters)
        {
            return route
        }
        if node.parameter >= 0 {
            parameters.append(names[Int(index)].parameter, .segment(segment))
            if let route = match(node: node.parameter, segments: segments, at: position + 1, parameters: &parameters) {
                return route
            }
            parameters.removeLast()
        }
        if node.catchAll >= 0, nodes[Int(node.catchAll)].route >= 0 {
            parameters.append(names[Int(index)].catchAll, .segments(Array(segments[position...])))
            return nodes[Int(node.catchAll)].route
        }
        if node.optionalCatchAll >= 0, nodes[Int(node.optionalCatchAll)].route >= 0 {
            parameters.append(names[Int(index)].optionalCatchAll, .segments(Array(segments[position...])))
            return nodes[Int(node.optionalCatchAll)].route
        }
        return nil
    }

    // MARK: - Shared

    /// The route at a node when the path ends there: its own, or an optional catch-all's with no segments. An
    /// empty optional catch-all gets no parameter at all, so that it reads as `nil` (Next.js leaves the key out).
    private func endOfPath(at index: Int32) -> Int32? {
        let node = nodes[Int(index)]
        if node.route >= 0 { return node.route }
        if node.optionalCatchAll >= 0, nodes[Int(node.optionalCatchAll)].route >= 0 {
            return nodes[Int(node.optionalCatchAll)].route
        }
        return nil
    }

    /// Binary search of a node's literal children, ordered by length then bytes.
    @inline(__always)
    private func literalChild(of node: Node, matching segment: UnsafeBufferPointer<UInt8>) -> Int32? {
        bytes.withUnsafeBufferPointer { pool in
            literals.withUnsafeBufferPointer { keys in
                var low = Int(node.literalStart)
                var high = Int(node.literalEnd)
                while low < high {
                    let middle = (low + high) / 2
                    let key = keys[middle]
                    var order = Int(key.count) - segment.count
                    if order == 0 {
                        let start = Int(key.start)
                        for offset in 0..<segment.count where pool[start + offset] != segment[offset] {
                            order = pool[start + offset] < segment[offset] ? -1 : 1
                            break
                        }
                    }
                    if order == 0 { return key.node }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                return nil
            }
        }
    }

    private static var slash: UInt8 { UInt8(ascii: "/") }
    private static var percent: UInt8 { UInt8(ascii: "%") }
}
