import Foundation
import Logging
import RouteHandlers

public struct TestFailure: Error {
    public init() {}
}

/// Every route of the fixture app: the gateway and process routes under /api and the hello routes elsewhere.
/// `version` tells builds apart (`/api/version`).
public func fixtureRouter(version: String = "1") -> Router {
    var router = gatewayTestRouter()
    addProcessRoutes(to: &router, version: version)
    addHelloRoutes(to: &router)
    return router
}

/// Routes the gateway tests exercise.
public func gatewayTestRouter() -> Router {
    var router = Router()
    router.get("/api/hello") { _, _ in .json(["message": "Hello, World!"]) }
    router.post("/api/echo") { request, _ in
        let bytes = try await request.bytes()
        return .json(["count": String(bytes.count), "contentType": request.headers.get("Content-Type") ?? ""])
    }
    router.get("/api/boom") { _, _ in throw TestFailure() }
    // A handler mistake: a synchronous accessor on a body that is streamed and not read yet.
    router.add("/api/streamed-count", .post, config: RouteConfig(bodyLimit: 1 << 20, requestBuffering: false)) { request, _ in
        .json(["count": try request.body.count])
    }
    router.get("/api/inject") { request, _ in
        var response = Response.text("hi")
        response.headers.set("X-Injected", "a\r\nSet-Cookie: evil=1")
        return response
    }
    router.get("/api/sleep") { request, _ in
        let milliseconds = request.url.searchParams.get("ms").flatMap { Int($0) } ?? 100
        do {
            try await Task.sleep(for: .milliseconds(milliseconds))
        } catch {
            sleepCancellations.add(1, ordering: .relaxed)
            throw error
        }
        return .json(["slept": "\(milliseconds)ms"])
    }
    router.get("/api/stream") { _, _ in
        .stream(headers: ["Content-Type": "text/plain"]) { writer in
            for line in ["one\n", "two\n", "three\n"] { try await writer.write(line) }
        }
    }
    // A line every `ms` milliseconds, 100 of them: a stream to abort part-way.
    router.get("/api/ticks") { request, _ in
        let milliseconds = request.url.searchParams.get("ms").flatMap { Int($0) } ?? 100
        return .stream(headers: ["Content-Type": "text/plain"]) { writer in
            for tick in 0..<100 {
                try await writer.write("tick \(tick)\n")
                try await Task.sleep(for: .milliseconds(milliseconds))
            }
        }
    }
    router.get("/api/pid") { _, _ in .json(["pid": Int(getpid())]) }
    // A large fixed body (`mb` MiB, at most 64), for peers that do not read it.
    router.get("/api/big") { request, _ in
        let megabytes = min(64, max(0, request.url.searchParams.get("mb").flatMap { Int($0) } ?? 4))
        return .text(String(repeating: "x", count: megabytes << 20))
    }
    router.get("/api/request") { request, _ in
        .json(RequestEcho(request))
    }
    router.get("/api/users/[id]") { _, context in
        .json(["id": context.params.id ?? ""])
    }
    // A route with `maxDuration`: 504 past one second, whichever gateway serves it.
    router.add("/api/limited", .get, config: RouteConfig(maxDuration: .seconds(1))) { request, _ in
        let milliseconds = request.url.searchParams.get("ms").flatMap { Int($0) } ?? 0
        try await Task.sleep(for: .milliseconds(milliseconds))
        return .json(["waited": "\(milliseconds)ms"])
    }
    // after() work that takes `ms` and then writes to `file` what stdout is by then (/dev/null in CGI mode: closed).
    router.get("/api/after") { request, _ in
        let milliseconds = request.url.searchParams.get("ms").flatMap { Int($0) } ?? 100
        guard let file = request.url.searchParams.get("file") else { throw HTTPError(.badRequest, "file is required") }
        after {
            try await Task.sleep(for: .milliseconds(milliseconds))
            let stdout = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/1")) ?? "closed"
            try Data("done stdout=\(stdout)".utf8).write(to: URL(fileURLWithPath: file))
        }
        return .json(["scheduled": "\(milliseconds)ms"])
    }
    return router
}

public struct RequestEcho: Codable, Sendable {
    public var method: String
    public var href: String
    public var pathname: String
    public var search: String
    public var headers: [[String]]
    public var remoteAddress: String?
    /// The client address as trusted proxies make it (`request.ip`).
    public var ip: String?

    public init(_ request: Request) {
        method = request.method.rawValue
        href = request.url.href
        pathname = request.url.pathname
        search = request.url.search
        headers = request.headers.map { [$0.name, $0.value] }
        remoteAddress = request.remoteAddress
        ip = request.ip
    }
}
