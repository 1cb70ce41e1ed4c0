extension RouteResponder {
    /// The first redirect whose source matches `pathname` (relative to the base path): its response, the request's
    /// query passed on.
    func siteRedirect(_ pathname: String, _ url: RequestURL) -> Response? {
        let parts = SitePattern.parts(of: pathname)
        for rule in site.redirects {
            guard let values = rule.source.match(parts: parts) else { continue }
            var location = SitePattern.substitute(rule.destination, values)
            if location.hasPrefix("/") { location = configuration.basePath + location }
            if !url.rawQuery.isEmpty { location += (location.contains("?") ? "&" : "?") + url.rawQuery }
            // "//evil.example" would be read as another host.
            while location.hasPrefix("//") { location.removeFirst() }
            return Response(status: .init(code: rule.statusCode), headers: ["Location": location])
        }
        return nil
    }

    /// The request the first matching rewrite makes of `request` (whose path, less the base path, is `pathname`):
    /// the destination's path under the base path, its query added to the request's.
    func siteRewrite(_ pathname: String, _ request: Request) -> (pathname: String, request: Request)? {
        let parts = SitePattern.parts(of: pathname)
        for rule in site.rewrites {
            guard let values = rule.source.match(parts: parts) else { continue }
            let destination = SitePattern.substitute(rule.destination, values)
            let path = String(destination.prefix { $0 != "?" })
            var query = destination.contains("?") ? String(destination.drop { $0 != "?" }.dropFirst()) : ""
            if !request.url.rawQuery.isEmpty { query = query.isEmpty ? request.url.rawQuery : query + "&" + request.url.rawQuery }
            var rewritten = request
            let url = request.url
            rewritten.url = RequestURL(
                scheme: url.scheme, hostname: url.hostname, port: url.port, pathname: configuration.basePath + path, rawQuery: query)
            return (path, rewritten)
        }
        return nil
    }

    /// Sets the headers of every rule matching `pathname` (a later rule's replacing an earlier one's).
    func applySiteHeaders(to response: inout Response, pathname: String) {
        let parts = SitePattern.parts(of: pathname)
        for rule in site.headers where rule.source.match(parts: parts) != nil {
            for header in rule.headers { response.headers.set(header.key, header.value) }
        }
    }
}

extension Request {
    /// This request for another path of the app (Next.js middleware's `NextResponse.rewrite`): handed to `next` by
    /// the root middleware, it is answered by that path's route while the client's URL stays as it was.
    ///
    /// ```swift
    /// func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
    ///     guard request.headers.get("X-Beta") == "1" else { return try await next(request, context) }
    ///     return try await next(request.rewritten(to: "/api/beta" + request.url.pathname), context)
    /// }
    /// ```
    /// The new path's route answers with its middleware and handler; what was decided for the first path before any
    /// middleware ran stays (its body limit and buffering, rate limit, time limit).
    /// - Parameter target: the new path as ``RequestURL/pathname`` shows it (under the base path, if any), with
    ///   a query of its own or none (the request's is kept then).
    public func rewritten(to target: String) -> Request {
        var request = self
        let path = String(target.prefix { $0 != "?" })
        let query = target.contains("?") ? String(target.drop { $0 != "?" }.dropFirst()) : url.rawQuery
        request.url = RequestURL(
            scheme: url.scheme, hostname: url.hostname, port: url.port, pathname: RequestPath.removingDotSegments(Substring(path)),
            rawQuery: query)
        return request
    }
}
