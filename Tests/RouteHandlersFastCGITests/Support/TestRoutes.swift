import Foundation
import Logging
import RouteHandlers

struct TestFailure: Error {}

/// Routes the gateway tests exercise.
func gatewayTestRouter() -> Router {
    var router = Router()
    router.get("/api/hello") { _, _ in .json(["message": "Hello, World!"]) }
    router.post("/api/echo") { request, _ in
        let bytes = try await request.bytes()
        return .json(["count": String(bytes.count), "contentType": request.headers.get("Content-Type") ?? ""])
    }
    router.get("/api/boom") { _, _ in throw TestFailure() }
    router.get("/api/inject") { request, _ in
        var response = Response.text("hi")
        response.headers.set("X-Injected", "a\r\nSet-Cookie: evil=1")
        return response
    }
    router.get("/api/sleep") { _, _ in
        try await Task.sleep(for: .milliseconds(100))
        return .json(["slept": "100ms"])
    }
    router.get("/api/request") { request, _ in
        .json(RequestEcho(request))
    }
    router.get("/api/users/[id]") { _, context in
        .json(["id": context.params.id ?? ""])
    }
    return router
}

struct RequestEcho: Codable, Sendable {
    var method: String
    var href: String
    var pathname: String
    var search: String
    var headers: [[String]]
    var remoteAddress: String?

    init(_ request: Request) {
        method = request.method.rawValue
        href = request.url.href
        pathname = request.url.pathname
        search = request.url.search
        headers = request.headers.map { [$0.name, $0.value] }
        remoteAddress = request.remoteAddress
    }
}

/// A log handler that keeps messages, to check what the server logged.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var _messages: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    var messages: [String] { lock.withLock { _messages } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { _messages.append("\(event.level) \(event.message)") }
    }
}
