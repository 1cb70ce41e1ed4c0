import Foundation
@testable import GreetingAPI
import RouteHandlers
import RouteHandlersTestHarness
import RouteHandlersTesting
import Testing

/// greeting-api, the OpenAPI example: its contract in process and live over FastCGI (one test body, both client
/// modes), and through a real nginx as a user runs it.
@Suite("greeting-api", .timeLimit(.minutes(2)))
struct GreetingAPITests {
    struct Greeting: Decodable, Equatable {
        var message: String
    }

    @Test(arguments: [TestingMode.router, .live])
    func greetsByName(mode: TestingMode) async throws {
        try await Router.greetingAPI().test(mode) { client in
            let response = try await client.get("/api/greet?name=Ada")
            #expect(response.status == .ok)
            #expect(response.headers.get("Content-Type")?.hasPrefix("application/json") == true)
            #expect(response.text == #"{"message":"Hello, Ada!"}"#)
            let encoded = try await client.get("/api/greet?name=Ada%20Lovelace")
            #expect(try encoded.json(Greeting.self) == Greeting(message: "Hello, Ada Lovelace!"))
        }
    }

    @Test(arguments: [TestingMode.router, .live])
    func greetsAStrangerWithoutAName(mode: TestingMode) async throws {
        try await Router.greetingAPI().test(mode) { client in
            let response = try await client.get("/api/greet")
            #expect(response.status == .ok)
            #expect(response.text == #"{"message":"Hello, Stranger!"}"#)
        }
    }

    @Test(arguments: [TestingMode.router, .live])
    func servesFileBasedRoutesBesideTheOperations(mode: TestingMode) async throws {
        try await Router.greetingAPI().test(mode) { client in
            #expect(try await client.get("/api/health").text == #"{"status":"ok"}"#)
            let unknown = try await client.get("/api/nothing")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers.get("Content-Type") == "application/problem+json")
            let wrongMethod = try await client.post("/api/greet")
            #expect(wrongMethod.status == .methodNotAllowed)
        }
    }

    @Test func answersThroughNginx() async throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("greeting.sock")
        let app = try ChildProcess(
            productsDirectory + "/greeting-api", ["--listen", socket], environment: ["PATH": "/usr/bin:/bin"],
            logPrefix: directory.file("app"))
        defer { app.stop() }
        #expect(await eventually { isSocketFile(socket) })
        let nginx = try await NginxHarness.start(directory: directory.path, socket: socket)
        defer { nginx.stop() }
        let ada = try await nginx.request("/api/greet?name=Ada")
        #expect(ada.status == 200)
        #expect(ada.text == #"{"message":"Hello, Ada!"}"#)
        let stranger = try await nginx.request("/api/greet")
        #expect(stranger.text == #"{"message":"Hello, Stranger!"}"#)
    }
}
