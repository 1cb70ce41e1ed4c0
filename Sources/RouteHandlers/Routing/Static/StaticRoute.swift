/// A route whose GET is rendered ahead of time (``RouteConfig/Dynamic/forceStatic``), and the paths to render.
public struct StaticRoute: Sendable {
    /// The values of a route's dynamic segments for one path: one element for `[id]`, the segments for
    /// `[...path]`, none (or an absent key) for an empty `[[...path]]`.
    public typealias Params = [String: [String]]

    public let pattern: RoutePattern
    /// The route file (or the pattern, for a route added by hand).
    public let source: String
    let generate: (@Sendable () async throws -> [Params])?

    /// The request paths to render: the pattern itself for a route without dynamic segments, else one per element
    /// of its `generateStaticParams()`, each segment percent-encoded.
    /// - Throws: ``StaticExportError`` for a missing or empty value, a `.` or `..` segment or a missing
    ///   `generateStaticParams()`; whatever `generateStaticParams()` throws.
    public func paths() async throws -> [String] {
        let names = pattern.parameterNames
        guard !names.isEmpty else { return [pattern.description] }
        guard let generate else {
            throw StaticExportError("\(source): a force-static route with dynamic segments needs generateStaticParams()")
        }
        var paths: [String] = []
        for params in try await generate() {
            paths.append(try path(for: params))
        }
        return paths
    }

    /// The path of `params`, built segment by segment.
    func path(for params: Params) throws(StaticExportError) -> String {
        var path = ""
        for segment in pattern.segments {
            let values: [String]
            switch segment {
            case .literal(let text):
                path += "/" + text
                continue
            case .parameter(let name):
                values = params[name] ?? []
                guard values.count == 1 else { throw problem(name, "needs exactly one value, not \(values)") }
            case .catchAll(let name):
                values = params[name] ?? []
                guard !values.isEmpty else { throw problem(name, "needs at least one segment") }
            case .optionalCatchAll(let name):
                values = params[name] ?? []
            }
            for value in values {
                guard !value.isEmpty, value != ".", value != ".." else {
                    throw problem(segment.parameterName ?? "", "has the segment \"\(value)\", which no URL path can carry")
                }
                path += "/" + PercentDecoding.encodeURIComponent(value)
            }
        }
        return path.isEmpty ? "/" : path
    }

    private func problem(_ name: String, _ text: String) -> StaticExportError {
        StaticExportError("\(source): generateStaticParams() gave params where [\(name)] \(text)")
    }
}

/// Why a static route could not be rendered.
public struct StaticExportError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
