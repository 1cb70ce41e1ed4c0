import Foundation
import Logging
import RouteHandlers
import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What the streaming routes saw, by the token a test puts in the query string.
private let seen = Mutex<[String: String]>([:])

private func note(_ request: Request, _ what: String) {
    guard let token = request.url.searchParams.get("t") else { return }
    seen.withLock { $0[token] = what }
}

private func noted(_ token: String) -> String? {
    seen.withLock { $0[token] }
}

/// Routes that read their body as a stream.
private func streamingRouter() -> Router {
    var router = Router()
    router.add("/count", .post, config: RouteConfig(bodyLimit: 1 << 30, requestBuffering: false)) { request, _ in
        var size = 0
        for try await chunk in request.bodyChunks {
            if size == 0 { note(request, "first chunk") }
            size += chunk.count
        }
        return .json(["size": size])
    }
    router.add("/small", .post, config: RouteConfig(bodyLimit: 100 * 1024, requestBuffering: false)) { request, _ in
        var size = 0
        for try await chunk in request.bodyChunks { size += chunk.count }
        return .json(["size": size])
    }
    router.add("/early", .post, config: RouteConfig(bodyLimit: 1 << 30, requestBuffering: false)) { _, _ in .text("early") }
    // A route that does not stream gets the body collected first: code written for a body in memory works.
    router.post("/buffered") { request, _ in
        .json(["size": try request.body.bytes.count, "streamed": request.body.isStreamed ? 1 : 0])
    }
    router.add("/wait", .post, config: RouteConfig(requestBuffering: false)) { request, _ in
        note(request, "reading")
        do {
            return .json(["size": try await request.bytes().count])
        } catch {
            note(request, "failed: \(error is CancellationError ? "cancelled" : "\(error)")")
            throw error
        }
    }
    router.get("/hello") { _, _ in .text("hello") }
    return router
}

/// Streamed request bodies at the socket: the handler starts once the params are in, reads stdin as it arrives,
/// and the connection copes with handlers that stop early and peers that go away.
@Suite("Streamed request bodies at the socket", .timeLimit(.minutes(2)))
struct StreamedBodyTests {
    func withServer(_ body: (String, CapturingLogHandler) async throws -> Void) async throws {
        let capture = CapturingLogHandler()
        try await withInProcessServer(streamingRouter(), logger: Logger(label: "test") { _ in capture }) {
            $0.ioThreads = 2
            $0.maxBodySize = 64 * 1024
        } _: { server in
            try await body(server.socketPath, capture)
        }
    }

    /// BEGIN and PARAMS of a POST to `target`, without its stdin.
    static func head(_ target: String, keep: Bool = true, length: Int? = nil) -> [UInt8] {
        var params = FCGI.nginxParams("POST", target)
        if let length { params.append(("CONTENT_LENGTH", String(length))) }
        return FCGI.begin(keepConnection: keep) + FCGI.stream(FCGI.params, FCGI.pairs(params))
    }

    static func stdin(_ count: Int, byte: UInt8 = 0x61) -> [UInt8] {
        FCGI.record(FCGI.stdin, id: 1, [UInt8](repeating: byte, count: count))
    }

    @Test func theHandlerSeesTheFirstChunkBeforeTheLastRecordIsSent() async throws {
        try await withServer { socket, _ in
            let connection = try RawFastCGIConnection(unixPath: socket)
            // More than the global limit: the route's own limit replaces it.
            let records = 40
            #expect(connection.send(Self.head("/count?t=first", length: records * 4096) + Self.stdin(4096)))
            #expect(await eventually { noted("first") == "first chunk" })
            for _ in 1..<records {
                #expect(connection.send(Self.stdin(4096)))
            }
            #expect(connection.send(FCGI.record(FCGI.stdin, id: 1)))
            let response = try await offload { try ReceivedResponse.parse(connection.readResponse()?.stdout ?? []) }
            #expect(response.status == 200)
            #expect(response.text == #"{"size":163840}"#)
            // Kept: the next request on the same connection is served.
            #expect(try await offload { try connection.exchange(FCGI.request("GET", "/hello", keepConnection: true)) }.text == "hello")
        }
    }

    @Test func aRouteThatDoesNotStreamGetsItsBodyWholeAndItsLimit() async throws {
        try await withServer { socket, _ in
            let connection = try RawFastCGIConnection(unixPath: socket)
            // Split over several sends: the gateway streams it, the route gets it collected.
            #expect(connection.send(Self.head("/buffered", length: 3 * 8192) + Self.stdin(8192)))
            try await Task.sleep(for: .milliseconds(50))
            #expect(connection.send(Self.stdin(8192)))
            try await Task.sleep(for: .milliseconds(50))
            #expect(connection.send(Self.stdin(8192) + FCGI.record(FCGI.stdin, id: 1)))
            let response = try await offload { try ReceivedResponse.parse(connection.readResponse()?.stdout ?? []) }
            #expect(response.status == 200)
            #expect(response.text == #"{"size":24576,"streamed":0}"#)
            // Over the global limit (64 KiB here), without a declared length: 413, never a truncated body.
            let second = try RawFastCGIConnection(unixPath: socket)
            #expect(second.send(Self.head("/buffered", keep: false)))
            let sender = Task.detached {
                for _ in 0..<16 where second.send(Self.stdin(8192)) {}
                _ = second.send(FCGI.record(FCGI.stdin, id: 1))
            }
            let rejected = try await offload { try ReceivedResponse.parse(second.readResponse(seconds: 20)?.stdout ?? []) }
            #expect(rejected.status == 413)
            await sender.value
        }
    }

    @Test func a413MidStreamIsLoggedAndClosesTheConnection() async throws {
        try await withServer { socket, capture in
            let connection = try RawFastCGIConnection(unixPath: socket)
            // No CONTENT_LENGTH (a chunked upload): the limit is found while streaming.
            #expect(connection.send(Self.head("/small")))
            let sender = Task.detached {
                for _ in 0..<64 where connection.send(Self.stdin(8192)) {}
            }
            let answer = try await offload { connection.readResponse(seconds: 20) }
            #expect(try ReceivedResponse.parse(answer?.stdout ?? []).status == 413)
            #expect(try await offload { connection.closesWithin(seconds: 10) })
            await sender.value
            #expect(capture.messages.contains { $0.contains("413") && $0.contains("closed the connection") })
        }
    }

    @Test func aDeclaredLengthOverTheLimitIs413BeforeTheHandlerAndTheRestIsDropped() async throws {
        try await withServer { socket, _ in
            let connection = try RawFastCGIConnection(unixPath: socket)
            #expect(connection.send(Self.head("/small", length: 200 * 1024) + Self.stdin(1024)))
            let rejected = try await offload { try ReceivedResponse.parse(connection.readResponse()?.stdout ?? []) }
            #expect(rejected.status == 413)
            // The rest of the body is read and dropped; then the connection serves the next request.
            for _ in 0..<50 { #expect(connection.send(Self.stdin(4096))) }
            #expect(connection.send(FCGI.record(FCGI.stdin, id: 1)))
            #expect(try await offload { try connection.exchange(FCGI.request("GET", "/hello", keepConnection: true)) }.text == "hello")
        }
    }

    @Test func anEarlyResponseDropsTheRestAndTheConnectionIsReused() async throws {
        try await withServer { socket, _ in
            let connection = try RawFastCGIConnection(unixPath: socket)
            #expect(connection.send(Self.head("/early", length: 4 << 20) + Self.stdin(1000)))
            let early = try await offload { try ReceivedResponse.parse(connection.readResponse()?.stdout ?? []) }
            #expect(early.text == "early")
            // 4 MiB more that nobody reads: dropped as it arrives (more than any buffer holds).
            for _ in 0..<64 { #expect(connection.send(Self.stdin(65535 - 7))) }
            #expect(connection.send(FCGI.record(FCGI.stdin, id: 1)))
            #expect(try await offload { try connection.exchange(FCGI.request("GET", "/hello", keepConnection: true)) }.text == "hello")
            // A connection not kept closes once the rest has arrived.
            let single = try RawFastCGIConnection(unixPath: socket)
            #expect(single.send(Self.head("/early", keep: false, length: 3000) + Self.stdin(1000)))
            #expect(try await offload { try ReceivedResponse.parse(single.readResponse()?.stdout ?? []) }.text == "early")
            #expect(single.send(Self.stdin(2000) + FCGI.record(FCGI.stdin, id: 1)))
            #expect(try await offload { single.closesWithin(seconds: 10) })
        }
    }

    @Test func aHangUpMidBodyFailsTheReaderAndCancelsTheHandler() async throws {
        try await withServer { socket, _ in
            let connection = try RawFastCGIConnection(unixPath: socket)
            #expect(connection.send(Self.head("/wait?t=hangup", length: 10_000) + Self.stdin(1000)))
            #expect(await eventually { noted("hangup") == "reading" })
            connection.close()
            #expect(await eventually { noted("hangup")?.hasPrefix("failed") == true })
        }
    }

    @Test func anAbortMidBodyFailsTheReaderAndKeepsTheConnection() async throws {
        try await withServer { socket, _ in
            let connection = try RawFastCGIConnection(unixPath: socket)
            #expect(connection.send(Self.head("/wait?t=abort", length: 10_000) + Self.stdin(1000)))
            #expect(await eventually { noted("abort") == "reading" })
            #expect(connection.send(FCGI.record(FCGI.abortRequest, id: 1)))
            #expect(try await offload { connection.readResponse() } != nil)
            #expect(await eventually { noted("abort")?.hasPrefix("failed") == true })
            #expect(try await offload { try connection.exchange(FCGI.request("GET", "/hello", keepConnection: true)) }.text == "hello")
        }
    }
}

/// A handler that reads a streamed body synchronously is a bug in the app, not a reason to lose the process.
@Suite("Streamed bodies read synchronously", .timeLimit(.minutes(1)))
struct StreamedBodyMisuseTests {
    @Test func aSynchronousAccessorOnAStreamedBodyAnswers500FromTheSameProcess() async throws {
        let fixture = try await SupervisedFixture.start(nginx: false, deployable: false)
        defer { fixture.stop() }
        let (app, socket) = (fixture.app, fixture.socket)
        let pid = { () async throws -> String in
            try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/pid")).text
        }
        let before = try await pid()
        let answer = try await offload { () throws -> ReceivedResponse in
            let connection = try RawFastCGIConnection(unixPath: socket)
            // The params, then part of the body: the handler starts with the rest still to come (streamed).
            guard connection.send(StreamedBodyTests.head("/api/streamed-count", keep: false, length: 3000) + StreamedBodyTests.stdin(1000))
            else { throw HarnessError("closed early") }
            usleep(200_000)
            _ = connection.send(StreamedBodyTests.stdin(2000) + FCGI.record(FCGI.stdin, id: 1))
            guard let response = connection.readResponse() else { throw HarnessError("no response") }
            return try ReceivedResponse.parse(response.stdout)
        }
        #expect(answer.status == 500)
        #expect(answer.header("Content-Type") == "application/problem+json")
        #expect(app.isRunning)
        #expect(try await pid() == before)
        #expect(
            await eventually { app.errorOutput.contains("StreamedBodyError") || app.errorOutput.contains("is streamed") },
            "\(app.errorOutput)")
    }
}
