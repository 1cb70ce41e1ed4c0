import HTTPTypes
import Logging

/// One rendered answer of a static route: what nginx serves for `path` instead of asking the app.
public struct StaticAnswer: Sendable, Hashable {
    /// The request path, percent-encoded as a client sends it.
    public var path: String
    /// The route file that answered.
    public var source: String
    /// The answer's fields as the response writer sent them (`Content-Type`, `Cache-Control`, the handler's own).
    public var headers: Headers
    public var body: [UInt8]
}

/// Renders the GETs of a router's static routes in process, through the same responder, middleware and response
/// writer that serve them live: the `export` command's work, without the files.
public enum StaticRenderer {
    /// Every static route's answers, path by path.
    /// - Throws: ``StaticExportError`` for an answer that is not a 200, that sets a cookie (it would be one
    ///   visitor's cookie for everyone), or a stream that fails; a path two routes render; the route table's
    ///   errors.
    public static func render(
        _ router: Router, configuration: RouteResponder.Configuration = .init(), logger: Logger = Logger(label: "route-handlers.export")
    ) async throws -> [StaticAnswer] {
        let responder = try router.responder(configuration: configuration)
        var answers: [StaticAnswer] = []
        var seen: [String: String] = [:]
        for route in router.staticRoutes {
            for routePath in try await route.paths() {
                // The path a client requests: under the site's base path, with its trailing slash if it wants one.
                var path = responder.configuration.basePath + routePath
                if responder.configuration.trailingSlash == .redirectToSlash, !path.hasSuffix("/") { path += "/" }
                if let other = seen.updateValue(route.source, forKey: path) {
                    throw StaticExportError("\(route.source): \(path) is also rendered by \(other)")
                }
                answers.append(try await render(path, route: route, responder: responder, logger: logger))
            }
        }
        return answers
    }

    static func render(_ path: String, route: StaticRoute, responder: RouteResponder, logger: Logger) async throws -> StaticAnswer {
        let request = Request(method: .get, path, headers: ["Host": "localhost"])
        let requestID = RequestID.next()
        let response = await responder.respond(to: request, requestID: requestID, logger: logger)
        let sink = CollectingSink()
        let outcome = await ResponseWriter.write(response, method: .get, requestID: requestID, logger: logger, to: sink)
        guard outcome == .complete, let head = sink.head else {
            throw StaticExportError("\(route.source): GET \(path) failed while its body was written")
        }
        guard head.status == .ok else {
            throw StaticExportError("\(route.source): GET \(path) answered \(head.status.code), and only a 200 can be static")
        }
        guard !head.headers.has("Set-Cookie") else {
            throw StaticExportError("\(route.source): GET \(path) sets a cookie, which a static answer would give every visitor")
        }
        if let afterWork = response.afterWork, !afterWork.isEmpty { await afterWork.run() }
        return StaticAnswer(path: path, source: route.source, headers: head.headers, body: sink.body)
    }
}

/// Keeps what the writer sends (one request at a time, awaited in order).
private final class CollectingSink: ResponseSink, @unchecked Sendable {
    private(set) var head: ResponseHead?
    private(set) var body: [UInt8] = []

    func writeHead(_ head: ResponseHead, body: [UInt8]?) async -> Bool {
        self.head = head
        self.body = body ?? []
        return true
    }

    func writeChunk(_ bytes: [UInt8]) async -> Bool {
        body += bytes
        return true
    }
}
