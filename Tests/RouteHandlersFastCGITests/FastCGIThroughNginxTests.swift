import Foundation
import Logging
import FixtureRoutes
import RouteHandlers
@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Testing

@Suite("FastCGI through a real nginx", .serialized, .timeLimit(.minutes(2)))
struct FastCGIThroughNginxTests {
    @Test func helloRouteAnswersJSON() async throws {
        try await withServerBehindNginx(gatewayTestRouter()) { nginx, _ in
            let response = try await nginx.request("/api/hello")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.text == #"{"message":"Hello, World!"}"#)
            #expect(response.header("Content-Length") == "27")
        }
    }

    @Test func unknownRouteIs404AndWrongMethodIs405WithAllow() async throws {
        try await withServerBehindNginx(gatewayTestRouter()) { nginx, _ in
            let missing = try await nginx.request("/api/nowhere")
            #expect(missing.status == 404)
            #expect(missing.header("Content-Type") == "application/problem+json")
            let wrongMethod = try await nginx.request("/api/hello", method: "DELETE")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "GET, HEAD, OPTIONS")
            let params = try await nginx.request("/api/users/a%20b")
            #expect(try params.json()["id"] as? String == "a b")
        }
    }

    @Test func requestIsRebuiltFromNginxParams() async throws {
        try await withServerBehindNginx(gatewayTestRouter()) { nginx, _ in
            let response = try await nginx.request(
                "/api/request?x=1&y=a+b", headers: ["X-Dup: one", "X-Dup: two", "Proxy: http://evil.example"])
            let echo = try JSONDecoder().decode(RequestEcho.self, from: Data(response.body))
            #expect(echo.method == "GET")
            #expect(echo.href == "http://127.0.0.1:\(nginx.port)/api/request?x=1&y=a+b")
            #expect(echo.remoteAddress == "127.0.0.1")
            // nginx 1.22 sends a repeated header as repeated params; both arrive, in order.
            #expect(echo.headers.filter { $0[0] == "X-Dup" }.map { $0[1] } == ["one", "two"])
            // httpoxy: the Proxy header never arrives.
            #expect(!echo.headers.contains { $0[0].lowercased() == "proxy" })
        }
    }

    @Test func bodiesArriveWholeAndOversizedOnesGet413() async throws {
        try await withServerBehindNginx(gatewayTestRouter(), configure: { $0.maxBodySize = 64 * 1024 }) { nginx, _ in
            let body = [UInt8](repeating: UInt8(ascii: "a"), count: 60 * 1024)
            let accepted = try await nginx.request("/api/echo", method: "POST", headers: ["Content-Type: text/plain"], body: body)
            #expect(accepted.status == 200)
            #expect(try accepted.json()["count"] as? String == "61440")

            let tooLarge = [UInt8](repeating: UInt8(ascii: "b"), count: 200 * 1024)
            let rejected = try await nginx.request("/api/echo", method: "POST", body: tooLarge)
            #expect(rejected.status == 413)
            #expect(rejected.header("Content-Type") == "application/problem+json")
            #expect(rejected.text.contains("65536"))

            // The connection the 413 went over is still good for the next request.
            #expect(try await nginx.request("/api/hello").status == 200)
        }
    }

    @Test func throwingHandlerGives500WithRequestIDAndALogLine() async throws {
        let capture = CapturingLogHandler()
        try await withServerBehindNginx(gatewayTestRouter(), logger: Logger(label: "test") { _ in capture }) { nginx, _ in
            let response = try await nginx.request("/api/boom")
            #expect(response.status == 500)
            let problem = try response.json()
            let requestID = try #require(problem["requestId"] as? String)
            #expect(problem["detail"] as? String == "An unexpected error occurred.")
            #expect(!response.text.contains("TestFailure"))
            // nginx's $request_id is the request id, so the response, nginx's log and the app's log line match.
            #expect(requestID.count == 32)
            let line = try #require(capture.records.first { $0.level == .error && $0.metadata["request-id"] == .string(requestID) })
            #expect(line.metadata["path"] == "/api/boom")
            // The error's description is only in the message.
            #expect(line.message.contains("TestFailure"))
        }
    }

    @Test func headerWithCRLFIsRefusedNotInjected() async throws {
        try await withServerBehindNginx(gatewayTestRouter()) { nginx, _ in
            let response = try await nginx.request("/api/inject")
            #expect(response.status == 500)
            #expect(response.header("Set-Cookie") == nil)
            #expect(response.header("X-Injected") == nil)
        }
    }

    @Test func fiveHundredSleepingRequestsFinishTogether() async throws {
        try await withServerBehindNginx(gatewayTestRouter()) { nginx, _ in
            // Two curl processes, 250 parallel connections each: 500 requests in flight at once.
            let started = Date()
            let results = try await withThrowingTaskGroup(of: [String].self) { group in
                for half in 0..<2 {
                    group.addTask {
                        let output = try await runCommand(
                            "/usr/bin/curl",
                            [
                                "-s", "-Z", "--parallel-immediate", "--parallel-max", "250", "--max-time", "10",
                                "-o", "/dev/null", "-w", "%{http_code}\n",
                                "\(nginx.baseURL)/api/sleep?batch=\(half)&i=[1-250]",
                            ],
                            seconds: 20)
                        return String(decoding: output.output, as: UTF8.self).split(separator: "\n").map(String.init)
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(results.count == 500)
            #expect(results.allSatisfy { $0 == "200" }, "statuses: \(Dictionary(grouping: results, by: { $0 }).mapValues(\.count))")
            // One after another they would take 50 s; a loose bound, since the machine may be busy (speed is the
            // benchmarks' job).
            #expect(elapsed < 10.0, "500 requests sleeping 100 ms each took \(elapsed) s")
        }
    }
}
