import HTTPTypes

extension MethodTable {
    /// Builds ``chain``: the route's middleware around its method dispatch (its `maxDuration` is the responder's,
    /// resolved with the server's limit in ``RequestDeadline/resolved(server:route:)``).
    mutating func compile() {
        var routeChain = middleware.wrapping(Self.dispatch(handlers: handlers, allowed: allowedMethods, config: config))
        if config.bodyLimit != nil {
            // Before the route's middleware run, which may still lower it.
            let inner = routeChain
            let config = config
            routeChain = { request, context in
                var request = request
                request.applyBodyLimit(of: config)
                return try await inner(request, context)
            }
        }
        chain = routeChain
    }

    /// The chain to run for this route, compiling it when the table was built without a ``Router``.
    var compiledChain: RouteHandler {
        if let chain { return chain }
        var copy = self
        copy.compile()
        return copy.chain ?? { _, _ in Response(status: .internalServerError) }
    }

    /// Picks the method's handler (HEAD and OPTIONS fall back as in Next.js; other methods get 405 with
    /// `Allow`), answers 413 for a body known to be over the request's limit, and applies revalidation.
    static func dispatch(
        handlers: [HTTPRequest.Method: RouteHandler], allowed: [String], config: RouteConfig
    ) -> RouteHandler {
        let allow = allowed.joined(separator: ", ")
        let cacheControl = config.cacheControl
        return { request, context in
            try request.checkBodyLimitEarly()
            var response: Response
            if let handler = handlers[request.method] {
                response = try await handler(request, context)
            } else if request.method == .head, let get = handlers[.get] {
                response = RouteResponder.droppingBody(ConditionalResponse.taggingBeforeDroppingBody(try await get(request, context)))
            } else if request.method == .options {
                return Response(status: .noContent, headers: ["Allow": allow])
            } else {
                throw HTTPError(
                    .methodNotAllowed, "Method \(request.method) is not allowed for \(request.url.pathname).",
                    headers: ["Allow": allow])
            }
            if config.etag == false { response.generatesETag = false }
            if let cacheControl, request.method == .get || request.method == .head,
                (200..<300).contains(response.status.code), response.status.code != 206,
                !response.headers.has("Cache-Control")
            {
                response.headers.set("Cache-Control", cacheControl)
            }
            return response
        }
    }
}
