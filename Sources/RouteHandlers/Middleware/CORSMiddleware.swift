import HTTPTypes

/// Cross-origin resource sharing, declared once for a group of routes (put it in a `middleware.swift`, or
/// ``Router/use(_:_:)-(String,RouteMiddleware)`` it):
///
/// ```swift
/// let cors = CORSMiddleware(origins: .list(["https://app.example"]), methods: [.get, .post], credentials: true)
/// ```
///
/// Preflights (`OPTIONS` with an `Origin`) are answered here with 204, before routing could answer 405 and
/// before any middleware behind it (such as authentication, which preflights never carry). Other requests get
/// `Access-Control-Allow-Origin` (and the rest) on their response, error responses included, so that a page can
/// read why it failed. When the origin is echoed rather than `*`, `Vary: Origin` tells caches to keep one answer
/// per origin.
public struct CORSMiddleware: RouteMiddleware {
    /// Which origins may read responses.
    public enum Origins: Sendable {
        /// Any origin: `*` (or the request's origin, echoed, with credentials, which forbid `*`).
        case any
        /// These origins exactly (scheme, host and port, such as `https://app.example`).
        case list([String])
        /// The origins `allows` returns `true` for.
        case predicate(@Sendable (String) -> Bool)
    }

    /// Which request headers a preflight allows.
    public enum AllowedHeaders: Sendable {
        /// These headers.
        case list([String])
        /// Whatever the preflight asks for (`Access-Control-Request-Headers`), or `otherwise` when it asks for
        /// none. For APIs that ignore request headers they do not know.
        case requested(otherwise: [String])
    }

    public var origins: Origins
    public var methods: [HTTPRequest.Method]
    public var allowedHeaders: AllowedHeaders
    /// Response headers a page may read beyond the CORS-safelisted ones.
    public var exposedHeaders: [String]
    /// Whether cookies and HTTP authentication may be sent (`Access-Control-Allow-Credentials: true`).
    public var credentials: Bool
    /// How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours).
    public var maxAge: Duration?

    public init(
        origins: Origins = .any, methods: [HTTPRequest.Method] = [.get, .head, .post],
        allowedHeaders: AllowedHeaders = .list(["Content-Type"]), exposedHeaders: [String] = [],
        credentials: Bool = false, maxAge: Duration? = .seconds(600)
    ) {
        self.origins = origins
        self.methods = methods
        self.allowedHeaders = allowedHeaders
        self.exposedHeaders = exposedHeaders
        self.credentials = credentials
        self.maxAge = maxAge
    }

    public func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
        let origin = request.headers.get("Origin")
        if request.method == .options, origin != nil {
            return preflight(request, origin: origin, context: context)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = context.response(for: error)
        }
        addOriginHeaders(to: &response.headers, origin: origin)
        if !exposedHeaders.isEmpty, response.headers.has("Access-Control-Allow-Origin") {
            response.headers.set("Access-Control-Expose-Headers", exposedHeaders.joined(separator: ", "))
        }
        return response
    }

    /// The value of `Access-Control-Allow-Origin` for `origin`, and whether it was echoed; `nil` when the origin
    /// may not read the response.
    func allowedOrigin(_ origin: String?) -> (value: String, echoed: Bool)? {
        switch origins {
        case .any:
            if !credentials { return ("*", false) }
            return origin.map { ($0, true) }
        case .list(let list):
            guard let origin, list.contains(origin) else { return nil }
            return (origin, true)
        case .predicate(let allows):
            guard let origin, allows(origin) else { return nil }
            return (origin, true)
        }
    }

    private func addOriginHeaders(to headers: inout Headers, origin: String?) {
        if case .any = origins, !credentials {
        } else {
            // The answer depends on the origin even when it is refused: caches must keep one per origin.
            headers.append("Vary", "Origin")
        }
        guard let allowed = allowedOrigin(origin) else { return }
        headers.set("Access-Control-Allow-Origin", allowed.value)
        if credentials { headers.set("Access-Control-Allow-Credentials", "true") }
    }

    private func preflight(_ request: Request, origin: String?, context: Context) -> Response {
        var headers = Headers()
        addOriginHeaders(to: &headers, origin: origin)
        guard headers.has("Access-Control-Allow-Origin") else {
            // Not an allowed origin: an answer without CORS headers, which the browser treats as a refusal.
            return Response(status: .noContent, headers: headers)
        }
        headers.set("Access-Control-Allow-Methods", methods.map(\.rawValue).joined(separator: ", "))
        switch allowedHeaders {
        case .list(let list):
            if !list.isEmpty { headers.set("Access-Control-Allow-Headers", list.joined(separator: ", ")) }
        case .requested(let otherwise):
            let requested = request.headers.get("Access-Control-Request-Headers") ?? otherwise.joined(separator: ", ")
            if !requested.isEmpty { headers.set("Access-Control-Allow-Headers", requested) }
            // The answer depends on the requested headers, so caches must keep one per value.
            headers.append("Vary", "Access-Control-Request-Headers")
        }
        if let maxAge { headers.set("Access-Control-Max-Age", String(maxAge.components.seconds)) }
        if let route = context.route { headers.set("Allow", route.allowedMethods.joined(separator: ", ")) }
        return Response(status: .noContent, headers: headers)
    }
}
