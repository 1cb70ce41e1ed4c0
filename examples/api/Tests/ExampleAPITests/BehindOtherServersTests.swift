import Foundation
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The example's contract behind the other FastCGI web servers users run, each with the config shipped in
/// nginx/other-servers/ (Sources/RouteHandlersFastCGI/Documentation.docc/OtherWebServers.md).
@Suite("Example API behind Apache, lighttpd, HAProxy and Caddy", .timeLimit(.minutes(2)))
struct BehindOtherServersTests {
    @Test(arguments: OtherWebServer.Kind.allCases)
    func contract(_ kind: OtherWebServer.Kind) async throws {
        // Apache's workers run as nobody: they must reach the socket in the test's directory.
        try await withExampleAPI(environment: ["ROUTE_HANDLERS_SOCKET_MODE": "0666"]) { api in
            let directory = (api.socket as NSString).deletingLastPathComponent
            chmod(directory, 0o711)
            let server = try await OtherWebServer.start(kind, directory: directory, socket: api.socket)
            defer { server.stop() }

            let hello = try await server.request("/api/hello")
            #expect(hello.status == 200, "\(kind): \(hello)")
            #expect(hello.text == #"{"message":"Hello, World!"}"#)

            // 201 + Location and the trailing-slash 308 keep their status (HAProxy made them 302 when Status came first).
            let json = ["Content-Type: application/json"]
            let created = try await server.request(
                "/api/users", method: "POST", headers: json, body: Array(#"{"name":"Ada","email":"ada@\#(kind).org"}"#.utf8))
            #expect(created.status == 201, "\(kind): \(created)")
            let location = try #require(created.header("Location"))
            #expect(location.hasPrefix("/api/users/"))
            let read = try await server.request(location)
            #expect(read.status == 200)
            #expect(try read.json()["email"] as? String == "ada@\(kind).org")
            let taken = try await server.request(
                "/api/users", method: "POST", headers: json, body: Array(#"{"name":"Ada","email":"ada@\#(kind).org"}"#.utf8))
            #expect(taken.status == 409)
            let slash = try await server.request("/api/users/")
            #expect(slash.status == 308, "\(kind): \(slash)")
            #expect(slash.header("Location") == "/api/users")

            let notAllowed = try await server.request("/api/hello", method: "DELETE")
            #expect(notAllowed.status == 405)
            #expect(notAllowed.header("Allow") != nil)
            let missing = try await server.request("/api/nowhere")
            #expect(missing.status == 404)
            #expect(missing.header("Content-Type") == "application/problem+json")

            // %2F stays inside its segment; no Proxy header (httpoxy); no Content-Length the client never sent;
            // two Cookie headers are two cookies, whether the server joins them or not.
            let echo = try await server.request(
                "/api/echo/a%2Fb?x=1", headers: ["Proxy: http://attacker.invalid", "Cookie: a=1", "Cookie: b=2"])
            #expect(echo.status == 200)
            let seen = try echo.json()
            #expect((seen["params"] as? [String: Any])?["path"] as? [String] == ["a/b"], "\(kind): \(echo.text)")
            let headerNames = ((seen["headers"] as? [[String]]) ?? []).compactMap { $0.first?.lowercased() }
            #expect(!headerNames.contains("proxy"), "\(kind): \(echo.text)")
            #expect(!headerNames.contains("content-length"), "\(kind): \(echo.text)")
            #expect(seen["cookies"] as? [String: String] == ["a": "1", "b": "2"], "\(kind): \(echo.text)")

            let stream = try await server.request("/api/stream")
            #expect(stream.status == 200)
            #expect(stream.text.split(separator: "\n").count == 5)
        }
    }
}
