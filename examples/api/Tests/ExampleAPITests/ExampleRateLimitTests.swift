import Foundation
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The example's rate-limited routes: `/api/limited` (`RateLimit(3, per: .minute, burst: 2)`) and
/// `/api/limited/slow` (`maxConcurrency = 1`). Behind the generated include nginx answers the 429s; without it
/// (cgi-fcgi straight to the socket, CGI) the app does, counting across its workers and CGI processes.
@Suite("Example API: rate limits", .timeLimit(.minutes(3)))
struct ExampleRateLimitTests {
    @Test func aRoutePastItsRateGets429ThroughNginx() async throws {
        try await withExampleAPI { api in
            for _ in 0..<3 {
                let admitted = try await api.request("/api/limited")
                #expect(admitted.status == 200)
                #expect(admitted.text == #"{"limited":true}"#)
            }
            let limited = try await api.request("/api/limited")
            Self.expectTooManyRequests(limited, retryAfter: "20", detail: "3 a minute and 2 at once beyond it")
            #expect(limited.header("X-Request-Id")?.isEmpty == false)
            // nginx counted them: the app never saw the fourth request.
            let log = (try? String(contentsOfFile: api.nginx.prefix + "/access.log", encoding: .utf8)) ?? ""
            #expect(log.components(separatedBy: "/api/limited ").count - 1 == 4)
            // Other routes are not limited.
            #expect(try await api.request("/api/hello").status == 200)
        }
    }

    @Test func aSecondRequestWhileTheFirstIsServedGets429ThroughNginx() async throws {
        try await withExampleAPI { api in
            // Two at once, each long enough to overlap on a busy machine: one is served, the other refused.
            async let first = api.request("/api/limited/slow?ms=4000")
            async let second = api.request("/api/limited/slow?ms=4000")
            let answers = try await [first, second].sorted { $0.status < $1.status }
            #expect(answers.map(\.status) == [200, 429])
            Self.expectTooManyRequests(answers[1], retryAfter: "1", detail: "1 being served at once")
            let after = try await api.request("/api/limited/slow?ms=0")
            #expect(after.status == 200)
            #expect(after.text == #"{"waitedMs":0}"#)
        }
    }

    /// Without nginx's include in front, the app counts: with `--processes 2` the workers share the count, and a
    /// request the include marks as counted (`ROUTE_HANDLERS_LIMITS=nginx`) is not counted again.
    @Test func theAppCountsAcrossItsWorkersWhenNginxDoesNot() async throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("app.sock")
        let app = try ChildProcess(
            productsDirectory + "/example-api", ["--listen", socket, "--processes", "2"],
            environment: ExampleAPIServer.appEnvironment(directory: directory.path, extra: [:]), logPrefix: directory.file("app"))
        defer { app.stop() }
        let up = await eventually {
            (try? await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/hello")))?.status == 200
        }
        try #require(up, "\(app.errorOutput)")
        let counted = CGIFCGI.params("GET", "/api/limited")
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await CGIFCGI.request(socket: socket, params: counted).status) }
        #expect(statuses == [200, 200, 200, 429])
        let limited = try await CGIFCGI.request(socket: socket, params: counted)
        Self.expectTooManyRequests(limited, retryAfter: nil, detail: "3 a minute and 2 at once beyond it")
        let retryAfter = try #require(limited.header("Retry-After").flatMap { Int($0) })
        #expect((1...20).contains(retryAfter))
        // Another client has its own allowance; a request nginx already counted is not counted again.
        #expect(
            try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/limited", headers: ["REMOTE_ADDR": "127.0.0.2"]))
                .status == 200)
        let upstream = CGIFCGI.params("GET", "/api/limited", headers: ["ROUTE_HANDLERS_LIMITS": "nginx"])
        #expect(try await CGIFCGI.request(socket: socket, params: upstream).status == 200)

        // One request at a time on /api/limited/slow, whichever worker has it: of two at once, one is refused.
        let slow = CGIFCGI.params("GET", "/api/limited/slow?ms=4000")
        async let first = CGIFCGI.request(socket: socket, params: slow)
        async let second = CGIFCGI.request(socket: socket, params: slow)
        #expect(try await [first.status, second.status].sorted() == [200, 429])
        #expect(try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/limited/slow?ms=0")).status == 200)
    }

    /// Run as a CGI script, each request is a process of its own: they count together, in a private directory of
    /// the user's (`/dev/shm/route-handlers-<uid>`).
    @Test func cgiProcessesCountTogether() async throws {
        let directory = try TemporaryDirectory()
        // A client of its own, so that an earlier run's count (kept for a minute) does not matter.
        let client = "127.\(Int.random(in: 1...254)).\(Int.random(in: 1...254)).\(Int.random(in: 1...254))"
        var environment = CGIScript.environment(
            "GET", "/cgi-bin/example-api/api/limited", scriptName: "/cgi-bin/example-api",
            scriptFilename: productsDirectory + "/example-api", headers: ["REMOTE_ADDR": client])
        environment.merge(ExampleAPIServer.appEnvironment(directory: directory.path, extra: [:])) { $1 }
        var statuses: [Int] = []
        for _ in 0..<4 {
            let result = try await CGIScript.run(productsDirectory + "/example-api", environment: environment)
            #expect(result.exitStatus == 0, "\(result.error)")
            statuses.append(result.response.status)
        }
        #expect(statuses == [200, 200, 200, 429])
        let user = "/dev/shm/route-handlers-\(geteuid())"
        var status = stat()
        if stat("/dev/shm", &status) == 0 {
            #expect(stat(user, &status) == 0 && status.st_mode & 0o777 == 0o700)
        }
    }

    static func expectTooManyRequests(
        _ response: ReceivedResponse, retryAfter: String?, detail: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == 429, sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        if let retryAfter { #expect(response.header("Retry-After") == retryAfter, sourceLocation: sourceLocation) }
        let problem = (try? response.json()) ?? [:]
        #expect(problem["status"] as? Int == 429, sourceLocation: sourceLocation)
        #expect(problem["title"] as? String == "Too Many Requests", sourceLocation: sourceLocation)
        #expect(response.problemDetail.contains(detail), "\(response.text)", sourceLocation: sourceLocation)
    }
}
