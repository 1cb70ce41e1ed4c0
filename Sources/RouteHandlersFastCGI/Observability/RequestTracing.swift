import RouteHandlers
import Tracing

/// A server span per request, as Hummingbird's `TracingMiddleware` makes it: it continues the trace the web
/// server passed on (`traceparent`, nginx's `HTTP_TRACEPARENT`, read by the bootstrapped instrument), is named
/// after the route pattern once routing matched, and carries the same attributes. Made only when a tracer is
/// bootstrapped (before the server starts): with none, requests cost nothing here.
struct RequestTracing: Sendable {
    static func ifBootstrapped() -> RequestTracing? {
        InstrumentationSystem.tracer is NoOpTracer ? nil : RequestTracing()
    }

    func start(_ request: Request) -> any Span {
        var context = InstrumentationContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &context, using: HeadersExtractor())
        let span = InstrumentationSystem.tracer.startSpan(
            "HTTP \(request.method.rawValue) route not found", context: context, ofKind: .server)
        span.updateAttributes { attributes in
            attributes["http.request.method"] = request.method.rawValue
            attributes["url.path"] = request.url.pathname
            attributes["url.query"] = request.url.rawQuery.isEmpty ? nil : request.url.rawQuery
            attributes["user_agent.original"] = request.headers["User-Agent"]
            attributes["http.request.body.size"] = request.headers["Content-Length"].flatMap { Int($0) }
            attributes["net.sock.peer.addr"] = request.remoteAddress
        }
        return span
    }

    /// Runs the responder with the span as the current context, so that the handler's own spans are its children.
    func run(_ span: any Span, _ body: () async -> Response) async -> Response {
        await InstrumentationContext.$current.withValue(span.context) { await body() }
    }

    func end(_ span: any Span, route: String?, response: Response) {
        if let route { span.operationName = route }
        span.updateAttributes { attributes in
            attributes["http.route"] = route
            attributes["http.response.status_code"] = Int(response.status.code)
            attributes["http.response.body.size"] = response.body.bytes?.count
        }
        if response.status.code >= 500 { span.setStatus(.init(code: .error)) }
        span.end()
    }
}

private struct HeadersExtractor: Extractor {
    func extract(key: String, from headers: Headers) -> String? {
        headers[key]
    }
}
