import FixtureRoutes
import RouteHandlers
import RouteHandlersTestHarness
import RouteHandlersTesting
import Testing

/// The in-process test client answers exactly what the FastCGI gateway sends for the same handler: both write
/// through the one response writer.
@Suite("Test client and FastCGI gateway agree", .timeLimit(.minutes(1)))
struct GatewayParityTests {
    /// Status, header fields (lowercased names, in order) and body, as each side received them.
    struct Seen: Equatable, CustomStringConvertible {
        var status: Int
        var headers: [String]
        var body: String
        var description: String { "\(status) \(headers) \(body.debugDescription)" }
    }

    private func viaTestClient(_ method: String, _ target: String) async throws -> Seen {
        try await gatewayTestRouter().test { client in
            let response = try await client.execute(.init(method)!, target)
            return Seen(
                status: response.status.code,
                headers: response.headers.map { "\($0.name.lowercased()): \($0.value)" },
                body: response.text)
        }
    }

    private func viaFastCGI(_ server: InProcessServer, _ method: String, _ target: String) async throws -> Seen {
        let response = try await CGIFCGI.request(socket: server.socketPath, params: CGIFCGI.params(method, target))
        return Seen(
            status: response.status,
            headers: response.headers.filter { $0.name != "Status" }.map { "\($0.name.lowercased()): \($0.value)" },
            body: response.text)
    }

    @Test func sameStatusHeadersAndBody() async throws {
        let directory = try TemporaryDirectory()
        let server = try InProcessServer(socketPath: directory.file("app.sock"), router: gatewayTestRouter())
        for (method, target) in [
            ("GET", "/api/hello"), ("HEAD", "/api/hello"), ("GET", "/api/stream"), ("HEAD", "/api/stream"),
            ("GET", "/api/nowhere"), ("DELETE", "/api/hello"),
        ] {
            let inProcess = try await viaTestClient(method, target)
            let overFastCGI = try await viaFastCGI(server, method, target)
            #expect(inProcess == overFastCGI, "\(method) \(target)")
        }
        await server.stop()
    }

    @Test func aRefusedHeaderIsThe500EitherWay() async throws {
        let directory = try TemporaryDirectory()
        let server = try InProcessServer(socketPath: directory.file("app.sock"), router: gatewayTestRouter())
        let inProcess = try await viaTestClient("GET", "/api/inject")
        let overFastCGI = try await viaFastCGI(server, "GET", "/api/inject")
        #expect(inProcess.status == 500)
        #expect(overFastCGI.status == 500)
        // The bodies name their own request ids, whose lengths may differ: Content-Length is checked against each.
        let withoutLength = { (seen: Seen) in seen.headers.filter { !$0.hasPrefix("content-length:") } }
        #expect(withoutLength(inProcess) == withoutLength(overFastCGI))
        for seen in [inProcess, overFastCGI] {
            #expect(seen.headers.contains("content-length: \(seen.body.utf8.count)"))
        }
        #expect(!inProcess.headers.contains { $0.contains("evil") })
        await server.stop()
    }
}
