import Foundation
import FixtureRoutes
import RouteHandlers
@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Synchronization
import Testing

/// Records what a long-running handler saw, for the test to read.
final class HandlerProbe: Sendable {
    let started = Atomic<Bool>(false)
    let cancelled = Atomic<Bool>(false)
}

/// Emits 0, 1, 2, … `count - 1`, waiting `interval` between elements.
struct Ticks: AsyncSequence, Sendable {
    var count: Int
    var interval: Duration

    struct AsyncIterator: AsyncIteratorProtocol {
        var index = 0
        let count: Int
        let interval: Duration

        mutating func next() async throws -> Int? {
            guard index < count else { return nil }
            if index > 0 { try await Task.sleep(for: interval) }
            defer { index += 1 }
            return index
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(count: count, interval: interval) }
}

func fidelityRouter(probe: HandlerProbe = HandlerProbe()) -> Router {
    var router = Router()
    router.get("/stream") { _, _ in
        .stream(headers: ["Content-Type": "text/plain"]) { writer in
            try await writer.write("chunk-1\n")
            try await Task.sleep(for: .milliseconds(600))
            try await writer.write("chunk-2\n")
            try await Task.sleep(for: .milliseconds(600))
            try await writer.write("chunk-3\n")
        }
    }
    router.get("/events") { _, _ in
        .eventStream(Ticks(count: 3, interval: .milliseconds(500)).map { ServerSentEvent(data: "tick \($0)", id: "\($0)") })
    }
    router.get("/rows") { _, _ in
        struct Row: Encodable, Sendable { var n: Int }
        return .ndjson(Ticks(count: 3, interval: .milliseconds(10)).map { Row(n: $0) })
    }
    router.get("/cookies") { request, _ in
        var response = Response.json([
            "seen": request.cookies.get("theme") ?? "", "all": request.cookies.map(\.name).joined(separator: ","),
        ])
        response.cookies.set(
            "session", "abc 123",
            CookieOptions(
                expires: Date(timeIntervalSince1970: 1_445_412_480), httpOnly: true, sameSite: .lax))
        response.cookies.set("theme", "dark", CookieOptions(maxAge: 3600, secure: true))
        return response
    }
    router.get("/redirect") { request, _ in
        .redirect("/target?from=\(request.url.searchParams.get("to") ?? "")")
    }
    router.post("/redirect") { _, _ in .redirect("https://example.com/done", status: .seeOther) }
    router.get("/redirect-permanent") { _, _ in .redirect("/moved", status: .permanentRedirect) }
    router.get("/slow") { _, _ in
        probe.started.store(true, ordering: .releasing)
        do {
            try await Task.sleep(for: .seconds(30))
        } catch {
            probe.cancelled.store(true, ordering: .releasing)
            throw error
        }
        return .text("too late")
    }
    router.get("/forever") { _, _ in
        .stream(headers: ["Content-Type": "text/event-stream"]) { writer in
            probe.started.store(true, ordering: .releasing)
            defer { probe.cancelled.store(true, ordering: .releasing) }
            while true {
                try await writer.write(ServerSentEvent(data: "tick").serialized)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
    router.get("/unicode") { _, _ in .text("héllo wörld") }
    router.post("/form") { request, _ in
        let form = try await request.formData()
        let file = form.file("upload")
        return .json([
            "title": form.string("title") ?? "",
            "filename": file?.filename ?? "",
            "contentType": file?.contentType ?? "",
            "size": String(file?.size ?? -1),
            "checksum": String(file?.bytes.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF_FFFF } ?? 0),
        ])
    }
    router.post("/small", bodyLimit(1024) { request, _ in .text("\(try await request.bytes().count)") })
    router.get("/ip") { request, _ in .text(request.ip ?? "none") }
    router.get("/download/[name]") { _, context in
        guard let name = context.params.name, name == "report.txt" else { throw HTTPError(.forbidden, "Not yours.") }
        return .file("/protected/\(name)", contentType: "text/plain; charset=utf-8", downloadName: "Report é.txt")
    }
    return router
}

@Suite("Request/Response fidelity through a real nginx", .serialized, .timeLimit(.minutes(2)))
struct FidelityThroughNginxTests {
    @Test func streamedChunksArriveBeforeTheHandlerFinishes() async throws {
        try await withServerBehindNginx(fidelityRouter()) { nginx, _ in
            let timed = try await timedGet(port: nginx.port, path: "/stream")
            let response = try timed.response()
            #expect(response.status == 200)
            #expect(response.text == "chunk-1\nchunk-2\nchunk-3\n")
            #expect(response.header("Content-Length") == nil)
            #expect(response.header("X-Accel-Buffering") == nil)  // nginx's instruction, not the client's
            let first = try #require(timed.arrival(of: "chunk-1"))
            let second = try #require(timed.arrival(of: "chunk-2"))
            // The handler takes 1.2 s; the first chunk must not wait for the end.
            #expect(timed.end >= 1.1)
            #expect(first < 0.5, "first chunk after \(first) s, end after \(timed.end) s")
            #expect(second - first >= 0.4 && timed.end - second >= 0.4, "reads: \(timed.reads.map(\.elapsed))")
        }
    }

    @Test func serverSentEventsAndNDJSONStream() async throws {
        try await withServerBehindNginx(fidelityRouter()) { nginx, _ in
            let timed = try await timedGet(port: nginx.port, path: "/events")
            let response = try timed.response()
            #expect(response.header("Content-Type") == "text/event-stream; charset=utf-8")
            #expect(response.header("Cache-Control") == "no-cache")
            #expect(response.text == "id: 0\ndata: tick 0\n\nid: 1\ndata: tick 1\n\nid: 2\ndata: tick 2\n\n")
            let first = try #require(timed.arrival(of: "tick 0"))
            #expect(first < timed.end - 0.6, "first event after \(first) s, end after \(timed.end) s")

            let rows = try await nginx.request("/rows")
            #expect(rows.header("Content-Type") == "application/x-ndjson")
            #expect(rows.text == "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n")
        }
    }

    @Test func twoSetCookieHeadersArriveIntactAndRequestCookiesParse() async throws {
        try await withServerBehindNginx(fidelityRouter()) { nginx, _ in
            let response = try await nginx.request("/cookies", headers: ["Cookie: theme=light; id=7", "Cookie: extra=1"])
            #expect(response.status == 200)
            #expect(
                response.headers(named: "Set-Cookie") == [
                    "session=abc%20123; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT; HttpOnly; SameSite=Lax",
                    "theme=dark; Path=/; Max-Age=3600; Secure",
                ])
            let body = try response.json()
            #expect(body["seen"] as? String == "light")
            #expect(body["all"] as? String == "theme,id,extra")
        }
    }

    @Test func redirectsReachTheClientWithStatusAndLocation() async throws {
        try await withServerBehindNginx(fidelityRouter()) { nginx, _ in
            let temporary = try await nginx.request("/redirect?to=a%20b")
            #expect(temporary.status == 307)
            #expect(temporary.header("Location") == "/target?from=a%20b")
            let seeOther = try await nginx.request("/redirect", method: "POST", body: Array("x=1".utf8))
            #expect(seeOther.status == 303)
            #expect(seeOther.header("Location") == "https://example.com/done")
            let permanent = try await nginx.request("/redirect-permanent")
            #expect(permanent.status == 308)
            #expect(permanent.header("Location") == "/moved")
        }
    }

    @Test func handlerIsCancelledWhenTheClientGoesAway() async throws {
        let probe = HandlerProbe()
        try await withServerBehindNginx(fidelityRouter(probe: probe)) { nginx, _ in
            let started = Date()
            let result = try await runCommand("/usr/bin/curl", ["-s", "--max-time", "1", nginx.baseURL + "/slow"], seconds: 10)
            #expect(result.status == 28)  // curl's "operation timed out": it hung up
            let handlerStarted = probe.started.load(ordering: .acquiring)
            #expect(handlerStarted)
            let sawCancellation = await eventually(seconds: 5) { probe.cancelled.load(ordering: .acquiring) }
            #expect(sawCancellation, "the handler was not cancelled \(Date().timeIntervalSince(started)) s after the request")
            // The server is still fine.
            #expect(try await nginx.request("/unicode").status == 200)
        }
    }

    @Test func anEndlessEventStreamStopsWhenTheClientGoesAway() async throws {
        let probe = HandlerProbe()
        try await withServerBehindNginx(fidelityRouter(probe: probe)) { nginx, _ in
            let result = try await runCommand("/usr/bin/curl", ["-s", "-N", "--max-time", "1", nginx.baseURL + "/forever"], seconds: 10)
            #expect(result.status == 28)
            #expect(String(decoding: result.output, as: UTF8.self).hasPrefix("data: tick\n\ndata: tick\n\n"))
            let stopped = await eventually(seconds: 5) { probe.cancelled.load(ordering: .acquiring) }
            #expect(stopped, "the stream kept running after the client left")
            #expect(try await nginx.request("/unicode").status == 200)
        }
    }

    @Test func contentLengthIsRightForFixedBodiesAndHEADKeepsIt() async throws {
        try await withServerBehindNginx(fidelityRouter()) { nginx, _ in
            let get = try await nginx.request("/unicode")
            #expect(get.body.count == 13)
            #expect(get.header("Content-Length") == "13")
            let head = try await nginx.request("/unicode", method: "HEAD")
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "13")
            #expect(head.body.isEmpty)
            let cookies = try await nginx.request("/cookies", method: "HEAD")
            #expect(cookies.headers(named: "Set-Cookie").count == 2)
        }
    }

    @Test func multipartUploadFromCurlWithALargeFile() async throws {
        try await withServerBehindNginx(fidelityRouter()) { nginx, _ in
            let directory = try TemporaryDirectory()
            let path = directory.file("photo.png")
            let bytes = (0..<(3 * 1024 * 1024 + 17)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let result = try await runCommand(
                "/usr/bin/curl",
                [
                    "-s", "-i", "--max-time", "10", "-H", "Expect:", "-F", "title=Hello wörld", "-F", "upload=@\(path);type=image/png",
                    nginx.baseURL + "/form",
                ], seconds: 15)
            let response = try ReceivedResponse.parse(result.output)
            #expect(response.status == 200, "\(response)")
            let body = try response.json()
            #expect(body["title"] as? String == "Hello wörld")
            #expect(body["filename"] as? String == "photo.png")
            #expect(body["contentType"] as? String == "image/png")
            #expect(body["size"] as? String == String(bytes.count))
            #expect(body["checksum"] as? String == String(bytes.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF_FFFF }))

            let noBoundary = try await nginx.request(
                "/form", method: "POST", headers: ["Content-Type: multipart/form-data"], body: Array("--x--".utf8))
            #expect(noBoundary.status == 400)
            #expect(noBoundary.header("Content-Type") == "application/problem+json")
            #expect(noBoundary.text.contains("boundary"))
        }
    }

    @Test func perRouteBodyLimitIs413BelowTheGlobalOne() async throws {
        try await withServerBehindNginx(fidelityRouter()) { nginx, _ in
            let fits = try await nginx.request("/small", method: "POST", body: [UInt8](repeating: 1, count: 1024))
            #expect(fits.text == "1024")
            let over = try await nginx.request("/small", method: "POST", body: [UInt8](repeating: 1, count: 1025))
            #expect(over.status == 413)
            #expect(over.text.contains("1024"))
        }
    }

    @Test func clientIPFromRemoteAddrOrTrustedProxies() async throws {
        try await withServerBehindNginx(fidelityRouter()) { nginx, _ in
            // Not configured to trust anyone: a forged header changes nothing.
            let direct = try await nginx.request("/ip", headers: ["X-Forwarded-For: 6.6.6.6"])
            #expect(direct.text == "127.0.0.1")
        }
        let trusting = RouteResponder.Configuration(trustedProxies: try TrustedProxies(["loopback"]))
        try await withServerBehindNginx(fidelityRouter(), responder: trusting) { nginx, _ in
            let proxied = try await Curl.request(nginx.baseURL + "/ip", headers: ["X-Forwarded-For: 6.6.6.6, 198.51.100.7"])
            #expect(proxied.text == "198.51.100.7")
        }
    }

    @Test func keptAliveConnectionsServeManyFastRequestsInARow() async throws {
        // Regression: a handler that finished before the gateway marked its connection busy left the
        // connection deaf to nginx's next request on it (fastcgi_keep_conn), which then hung.
        try await withServerBehindNginx(fidelityRouter()) { nginx, _ in
            let result = try await runCommand(
                "/usr/bin/curl",
                ["-s", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}\n", nginx.baseURL + "/unicode?i=[1-200]"],
                seconds: 30)
            let codes = String(decoding: result.output, as: UTF8.self).split(separator: "\n")
            #expect(result.status == 0)
            #expect(codes.count == 200 && codes.allSatisfy { $0 == "200" }, "\(Dictionary(grouping: codes, by: { $0 }).mapValues(\.count))")
        }
    }

    @Test func oversizedBodiesGet413AgainAndAgainOnKeptAliveConnections() async throws {
        // Regression: the unread rest of an oversized body stayed on the kept-alive connection, was misread as
        // the next request, and the reset that followed made nginx answer 502.
        try await withServerBehindNginx(gatewayTestRouter(), configure: { $0.maxBodySize = 64 * 1024 }) { nginx, _ in
            let directory = try TemporaryDirectory()
            let path = directory.file("big.bin")
            try Data(repeating: 0x61, count: 300 * 1024).write(to: URL(fileURLWithPath: path))
            let result = try await runCommand(
                "/usr/bin/curl",
                [
                    "-s", "--max-time", "20", "-H", "Expect:", "--data-binary", "@\(path)", "-o", "/dev/null", "-w", "%{http_code}\n",
                    nginx.baseURL + "/api/echo?i=[1-30]",
                ],
                seconds: 30)
            let codes = String(decoding: result.output, as: UTF8.self).split(separator: "\n")
            #expect(codes.count == 30 && codes.allSatisfy { $0 == "413" }, "\(Dictionary(grouping: codes, by: { $0 }).mapValues(\.count))")
            #expect(try await nginx.request("/api/hello").status == 200)
        }
    }

    @Test func fileResponsesAreServedByNginxThroughXAccelRedirect() async throws {
        let files = try TemporaryDirectory()
        try "the report\n".write(toFile: files.file("report.txt"), atomically: true, encoding: .utf8)
        let location = "location /protected/ { internal; alias \(files.path)/; }"
        try await withServerBehindNginx(fidelityRouter(), nginxServerExtra: location) { nginx, _ in
            let response = try await Curl.request(nginx.baseURL + "/download/report.txt")
            #expect(response.status == 200, "\(response)")
            #expect(response.text == "the report\n")
            #expect(response.header("Content-Length") == "11")
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response.header("Content-Disposition")?.hasPrefix("attachment; filename=\"Report _.txt\"") == true)
            #expect(response.header("X-Accel-Redirect") == nil)
            // The internal location is not reachable directly.
            #expect(try await Curl.request(nginx.baseURL + "/protected/report.txt").status == 404)
            #expect(try await Curl.request(nginx.baseURL + "/download/other.txt").status == 403)
        }
    }

    @Test func fileNamesWithSpacesAndNonASCIIReachNginx() async throws {
        let files = try TemporaryDirectory()
        for name in ["a b.txt", "r\u{E9}sum\u{E9}.txt", "100%.txt", "what?.txt", "#1.txt"] {
            try "content of \(name)".write(toFile: files.file(name), atomically: true, encoding: .utf8)
        }
        var router = Router()
        router.get("/files/[name]") { _, context in .file("/protected/" + (context.params.name ?? "")) }
        let location = "location /protected/ { internal; alias \(files.path)/; }"
        try await withServerBehindNginx(router, nginxServerExtra: location) { nginx, _ in
            for (path, name) in [
                ("a%20b.txt", "a b.txt"), ("r%C3%A9sum%C3%A9.txt", "r\u{E9}sum\u{E9}.txt"), ("100%25.txt", "100%.txt"),
                ("what%3F.txt", "what?.txt"), ("%231.txt", "#1.txt"),
            ] {
                let response = try await Curl.request(nginx.baseURL + "/files/\(path)")
                #expect(response.status == 200, "\(name): \(response)")
                #expect(response.text == "content of \(name)")
            }
        }
    }
}
