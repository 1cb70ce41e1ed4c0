import HTTPTypes
import RouteHandlers
import RouteHandlersTestHarness
import RouteHandlersTesting
import Testing

/// The test client's two modes run the same test bodies: in process, and live over FastCGI to the real server
/// on a temporary unix socket.
@Suite("Test client, in process and live", .timeLimit(.minutes(2)))
struct LiveTestClientTests {
    static let router: Router = {
        var router = Router()
        router.get("/api/hello") { _, _ in .json(["message": "Hello, World!"]) }
        router.post("/api/echo") { request, _ in
            .text(try await request.text(), headers: ["X-Method": request.method.rawValue])
        }
        router.get("/api/users/[id]") { request, context in
            .json([
                "id": context.params.id ?? "", "page": request.url.searchParams.get("page") ?? "",
                "agent": request.headers.get("User-Agent") ?? "",
            ])
        }
        router.get("/api/stream") { _, _ in
            Response(
                headers: ["Content-Type": "text/plain"],
                body: ResponseBody(stream: { writer in
                    for line in ["one\n", "two\n", "three\n"] {
                        try await writer.write(line)
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }))
        }
        router.get("/api/broken-stream") { _, _ in
            Response(
                headers: ["Content-Type": "text/plain"],
                body: ResponseBody(stream: { writer in
                    try await writer.write("first\n")
                    try await Task.sleep(for: .milliseconds(20))
                    throw HTTPError(.internalServerError, "the stream broke")
                }))
        }
        return router
    }()

    @Test(arguments: [TestingMode.router, .live])
    func reportsAStreamCutOffAfterItsHead(mode: TestingMode) async throws {
        let check = {
            try await Self.router.test(mode) { client in
                do {
                    _ = try await client.get("/api/broken-stream")
                    Issue.record("a cut-off stream was answered as complete")
                } catch let error as IncompleteResponse {
                    #expect(error.partial?.status == .ok)
                    #expect(error.partial?.text == "first\n")
                }
            }
        }
        // The live client reports a connection closed without FCGI_END_REQUEST as incomplete, as nginx does: the
        // server closes a cut-off stream without ending it.
        try await check()
    }

    @Test(arguments: [TestingMode.router, .live])
    func answersJSON(mode: TestingMode) async throws {
        try await Self.router.test(mode) { client in
            let response = try await client.get("/api/hello")
            #expect(response.status == .ok)
            #expect(response.headers.get("Content-Type") == "application/json")
            #expect(try response.json([String: String].self) == ["message": "Hello, World!"])
        }
    }

    @Test(arguments: [TestingMode.router, .live])
    func sendsBodyHeadersParametersAndQuery(mode: TestingMode) async throws {
        try await Self.router.test(mode) { client in
            let echoed = try await client.post("/api/echo", headers: ["Content-Type": "text/plain"], body: "Hello, échos")
            #expect(echoed.status == .ok)
            #expect(echoed.text == "Hello, échos")
            #expect(echoed.headers.get("X-Method") == "POST")
            let user = try await client.get("/api/users/a%20b?page=2", headers: ["User-Agent": "tests/1"])
            #expect(try user.json([String: String].self) == ["id": "a b", "page": "2", "agent": "tests/1"])
        }
    }

    @Test(arguments: [TestingMode.router, .live])
    func streamsChunkByChunk(mode: TestingMode) async throws {
        try await Self.router.test(mode) { client in
            let response = try await client.get("/api/stream")
            #expect(response.text == "one\ntwo\nthree\n")
            #expect(response.chunks.map { String(decoding: $0, as: UTF8.self) } == ["one\n", "two\n", "three\n"])
        }
    }

    @Test(arguments: [TestingMode.router, .live])
    func answersErrorsAsProblems(mode: TestingMode) async throws {
        try await Self.router.test(mode) { client in
            let missing = try await client.get("/api/nothing")
            #expect(missing.status == .notFound)
            #expect(missing.headers.get("Content-Type") == "application/problem+json")
            let wrongMethod = try await client.execute(.delete, "/api/hello")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers.get("Allow") == "GET, HEAD, OPTIONS")
            let head = try await client.execute(.head, "/api/hello")
            #expect(head.status == .ok)
            #expect(head.body.isEmpty)
        }
    }

    @Test func liveModeServesThroughTheRealServer() async throws {
        // Only the real gateway sets Content-Length from a fixed body and removes the socket afterwards.
        let socket = try await Self.router.test(.live) { client in
            let response = try await client.get("/api/hello")
            #expect(response.headers.get("Content-Length") == "27")
            return client.socketPath ?? ""
        }
        #expect(socket.hasPrefix("/tmp/route-handlers-test."))
        #expect(!isSocketFile(socket))
    }

    @Test func liveModeStopsTheServerWhenTheBodyThrows() async throws {
        struct Expected: Error {}
        var socket = ""
        await #expect(throws: Expected.self) {
            try await Self.router.test(.live) { client in
                socket = client.socketPath ?? ""
                throw Expected()
            }
        }
        #expect(!socket.isEmpty)
        #expect(!isSocketFile(socket))
    }
}
