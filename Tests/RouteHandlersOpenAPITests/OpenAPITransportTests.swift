import HTTPTypes
import Logging
import OpenAPIRuntime
import RouteHandlers
import RouteHandlersOpenAPI
import RouteHandlersTesting
import Synchronization
import Testing

/// The transport, driven the way generated `registerHandlers(on:)` code drives it, beside ordinary routes, in
/// process and live over FastCGI.
@Suite("OpenAPI transport", .timeLimit(.minutes(2)))
struct OpenAPITransportTests {
    struct Unexpected: Error {}

    static func router() throws -> Router {
        var router = Router()
        router.get("/health") { _, _ in .text("ok") }
        try router.openAPI(prefix: "/api") { transport in
            try transport.register(
                { request, _, metadata in
                    let name = metadata.pathParameters["name"].map(String.init) ?? "?"
                    let query = request.path?.split(separator: "?").dropFirst().first.map(String.init) ?? ""
                    var fields = HTTPFields()
                    fields[.contentType] = "application/json"
                    return (HTTPResponse(status: .ok, headerFields: fields), HTTPBody(#"{"name":"\#(name)","query":"\#(query)"}"#))
                }, method: .get, path: "/greet/{name}")
            try transport.register(
                { _, body, _ in
                    let bytes = try await [UInt8](collecting: body ?? HTTPBody(), upTo: 1 << 20)
                    return (HTTPResponse(status: .created), HTTPBody(bytes))
                }, method: .post, path: "/echo")
            try transport.register(
                { _, _, _ in
                    let (stream, continuation) = AsyncStream<ArraySlice<UInt8>>.makeStream()
                    Task {
                        for chunk in ["a", "b", "c"] {
                            continuation.yield(ArraySlice(chunk.utf8))
                            try? await Task.sleep(for: .milliseconds(20))
                        }
                        continuation.finish()
                    }
                    return (HTTPResponse(status: .ok), HTTPBody(stream, length: .unknown, iterationBehavior: .single))
                }, method: .get, path: "/stream")
            try transport.register(
                { request, body, metadata in
                    throw ServerError(
                        operationID: "decode", request: request, requestBody: body, requestMetadata: metadata,
                        causeDescription: "Missing required query parameter named: count",
                        underlyingError: Unexpected(), httpStatus: .badRequest, httpHeaderFields: [:], httpBody: nil)
                }, method: .get, path: "/bad-input")
            try transport.register(
                { request, body, metadata in
                    throw ServerError(
                        operationID: "missing", request: request, requestBody: body, requestMetadata: metadata,
                        causeDescription: "Unknown", underlyingError: HTTPError(.notFound, "No such greeting."))
                }, method: .get, path: "/missing")
            try transport.register(
                { request, body, metadata in
                    throw ServerError(
                        operationID: "boom", request: request, requestBody: body, requestMetadata: metadata,
                        causeDescription: "Unknown", underlyingError: Unexpected())
                }, method: .get, path: "/boom")
        }
        return router
    }

    @Test(arguments: [TestingMode.router, .live])
    func servesOperationsBesideOtherRoutes(mode: TestingMode) async throws {
        try await Self.router().test(mode) { client in
            #expect(try await client.get("/health").text == "ok")
            let greeting = try await client.get("/api/greet/Ada%20L%25?x=1")
            #expect(greeting.status == .ok)
            #expect(greeting.headers.get("Content-Type") == "application/json")
            // The generated code decodes path parameters itself: they arrive encoded once.
            #expect(greeting.text == #"{"name":"Ada%20L%25","query":"x=1"}"#)
            #expect(try await client.get("/greet/Ada").status == .notFound)
        }
    }

    @Test(arguments: [TestingMode.router, .live])
    func streamsBodiesBothWays(mode: TestingMode) async throws {
        try await Self.router().test(mode) { client in
            let echoed = try await client.post("/api/echo", headers: ["Content-Type": "text/plain"], body: "ping")
            #expect(echoed.status == .created)
            #expect(echoed.text == "ping")
            let stream = try await client.get("/api/stream")
            #expect(stream.text == "abc")
            #expect(stream.chunks.count == 3)
        }
    }

    @Test(arguments: [TestingMode.router, .live])
    func answersUnhandledErrorsAsProblems(mode: TestingMode) async throws {
        try await Self.router().test(mode) { client in
            let bad = try await client.get("/api/bad-input")
            #expect(bad.status == .badRequest)
            #expect(bad.headers.get("Content-Type") == "application/problem+json")
            #expect(try bad.json([String: JSONValue].self)["detail"] == .string("Missing required query parameter named: count"))
            let missing = try await client.get("/api/missing")
            #expect(missing.status == .notFound)
            #expect(try missing.json([String: JSONValue].self)["detail"] == .string("No such greeting."))
            let boom = try await client.get("/api/boom")
            #expect(boom.status == .internalServerError)
            #expect(boom.headers.get("Content-Type") == "application/problem+json")
            #expect(!boom.text.contains("Unexpected"))
        }
    }

    @Test func aStreamedRequestBodyStreamsThroughToTheOperation() async throws {
        let seen = Mutex(0)
        var router = Router()
        try router.openAPI(prefix: "/api") { transport in
            try transport.register(
                { _, body, _ in
                    var size = 0
                    for try await chunk in body ?? HTTPBody() {
                        size += chunk.count
                        seen.withLock { $0 = size }
                    }
                    return (HTTPResponse(status: .ok), HTTPBody("\(size)"))
                }, method: .post, path: "/count")
        }
        let responder = try router.responder()
        let stream = RequestBodyStream()
        let request = Request(method: .post, "/api/count", body: RequestBody(stream: stream))
        let answer = Task { await responder.respond(to: request, requestID: "1", logger: Logger(label: "test")) }
        stream.append([1, 2, 3])
        // The operation reads the first bytes while the rest has not arrived.
        let deadline = ContinuousClock.now + .seconds(10)
        while seen.withLock({ $0 }) < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(seen.withLock { $0 } == 3)
        stream.append([4])
        stream.finish()
        let response = await answer.value
        #expect(response.status == .ok)
        #expect(response.body.bytes == Array("4".utf8))
    }

    @Test func refusesAPathThatCannotBeARoute() throws {
        let transport = OpenAPITransport()
        #expect(throws: RouteError.self) {
            try transport.register({ _, _, _ in (HTTPResponse(status: .ok), nil) }, method: .get, path: "/files/{name}.json")
        }
    }
}
