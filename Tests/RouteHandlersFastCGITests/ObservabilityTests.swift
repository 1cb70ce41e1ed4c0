import FixtureRoutes
import RouteHandlers
import Foundation
import Metrics
import MetricsTestKit
import RouteHandlersTestHarness
import Testing
import Tracing

#if canImport(Glibc)
import Glibc
#endif

/// The status page, ping, access and slow logs of a master with two workers through real nginx, and a request's
/// span and trace id through an in-process server. Each test starts its own processes and stops them by pid.
@Suite("Observability", .serialized, .timeLimit(.minutes(4)))
struct ObservabilityTests {
    static let hello = ["http_route": "/api/hello", "http_request_method": "GET", "http_response_status_code": "200"]

    @Test func everyWorkerReportsThePoolAndItsRequestsPerRoute() async throws {
        let logs = try TemporaryDirectory()
        let accessLog = logs.file("access.log")
        let app = try await SupervisedFixture.start([
            "--processes", "2", "--status-path", "/status", "--ping-path", "/ping", "--access-log", accessLog,
        ])
        defer { app.stop() }
        let load = LoadGenerator(port: app.nginx.port, path: "/api/hello", connections: 8)
        #expect(await load.waitFor(requests: 1000, seconds: 120))
        let summary = await load.stop()
        #expect(summary.failed == 0, "\(summary)")
        let sent = summary.statuses[200, default: 0]
        #expect(sent >= 1000)
        #expect(try await app.nginx.request("/api/boom").status == 500)
        #expect(try await app.nginx.request("/api/users/7").status == 200)
        #expect(try await app.nginx.request("/api/hello", method: "DELETE").status == 405)

        let ping = try await app.nginx.request("/ping")
        #expect(ping.status == 200)
        #expect(ping.text == "pong")
        #expect(ping.header("Content-Type")?.hasPrefix("text/plain") == true)

        // From several connections at once, so that both workers answer: the same pool either way.
        let nginx = app.nginx
        let reports = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await nginx.request("/status?json").text } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        for report in reports {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
            let accepted = try #require(json["accepted conn"] as? Int)
            #expect(accepted >= sent + 4 && accepted <= sent + 40, "\(report)")
            #expect(json["total processes"] as? Int == 2, "\(report)")
            #expect(json["process manager"] as? String == "static")
            #expect(json["pool"] as? String == "app")
            #expect(json["listen queue len"] as? Int == 0)  // a unix socket
            for field in [
                "start time", "start since", "listen queue", "max listen queue", "idle processes", "active processes",
                "max active processes", "max children reached", "slow requests", "active requests", "max active requests",
            ] {
                #expect(json[field] is Int, "\(field) in \(report)")
            }
        }

        let text = try await app.nginx.request("/status").text
        #expect(text.contains("accepted conn:"))
        #expect(text.split(separator: "\n").contains("total processes:      2"), "\(text)")
        let full = try await app.nginx.request("/status?full").text
        let pids = Set(
            full.split(separator: "\n").filter { $0.hasPrefix("pid:") }.compactMap {
                Int32($0.dropFirst(4).trimmingCharacters(in: .whitespaces))
            })
        #expect(pids == app.workers, "\(full)")
        for field in [
            "state:", "requests:", "request duration:", "request method:", "request uri:", "content length:", "last request cpu:",
            "last request memory:",
        ] {
            #expect(full.contains("\n" + field), "\(field)")
        }
        let fullJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(try await app.nginx.request("/status?json&full").body)) as? [String: Any])
        #expect((fullJSON["processes"] as? [[String: Any]])?.count == 2)
        #expect(try await app.nginx.request("/status?html").text.contains("<th>accepted conn</th>"))

        let scrape = try await app.nginx.request("/status?openmetrics")
        #expect(scrape.header("Content-Type")?.hasPrefix("application/openmetrics-text") == true)
        let metrics = try OpenMetrics(parsing: scrape.text)
        #expect(metrics.value("hb_requests_total", Self.hello) == Double(sent), "\(scrape.text)")
        #expect(metrics.value("http_server_request_duration_seconds_count", Self.hello) == Double(sent))
        #expect(metrics.value("hb_requests_total", ["http_route": "/api/users/[id]"]) == 1)
        #expect(metrics.value("hb_request_errors_total", ["http_route": "/api/boom", "error_type": "500"]) == 1)
        #expect(metrics.value("route_handlers_total_processes") == 2)
        #expect((metrics.value("route_handlers_accepted_connections_total") ?? 0) >= Double(sent))
        #expect(metrics.types["hb_requests"] == "counter")

        // One line per request, with its status and route.
        let logged = await eventually(seconds: 10) {
            ((try? String(contentsOfFile: accessLog, encoding: .utf8)) ?? "").split(separator: "\n").count >= sent + 3
        }
        #expect(logged)
        let lines = try String(contentsOfFile: accessLog, encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.contains(#""GET /api/hello" 200 /api/hello "#) }.count == sent)
        #expect(lines.contains { $0.contains(#""GET /api/boom" 500 /api/boom "#) })
        #expect(lines.contains { $0.contains(#""GET /api/users/7" 200 /api/users/[id] "#) })
        #expect(lines.contains { $0.contains(#""DELETE /api/hello" 405 /api/hello "#) })
        #expect(lines.allSatisfy { $0.hasPrefix("127.0.0.1 - ") }, "\(lines.prefix(3))")
    }

    @Test func logsReopenOnSIGUSR1AndASlowRequestIsLoggedAndCounted() async throws {
        let logs = try TemporaryDirectory()
        let accessLog = logs.file("access.log")
        let slowLog = logs.file("slow.log")
        let app = try await SupervisedFixture.start([
            "--processes", "2", "--status-path", "/status", "--access-log", accessLog, "--slowlog", slowLog, "--slowlog-timeout", "1s",
        ])
        defer { app.stop() }
        #expect(try await app.nginx.request("/api/hello").status == 200)
        #expect(await eventually(seconds: 10) { ((try? String(contentsOfFile: accessLog, encoding: .utf8)) ?? "").contains("/api/hello") })

        // logrotate: move the file away, then SIGUSR1 to the master, which passes it to every worker.
        #expect(rename(accessLog, accessLog + ".1") == 0)
        kill(app.app.pid, SIGUSR1)
        #expect(await eventually(seconds: 10) { app.log.components(separatedBy: "reopening the log files").count - 1 == 2 }, "\(app.log)")
        for id in 1...4 { #expect(try await app.nginx.request("/api/users/\(id)").status == 200) }
        #expect(
            await eventually(seconds: 10) {
                ((try? String(contentsOfFile: accessLog, encoding: .utf8)) ?? "").split(separator: "\n").count == 4
            })
        let old = try String(contentsOfFile: accessLog + ".1", encoding: .utf8)
        #expect(old.split(separator: "\n").count == 1 && !old.contains("/api/users/"), "\(old)")

        let slow = try await app.nginx.request("/api/sleep?ms=1500")
        #expect(slow.status == 200)
        #expect(
            await eventually(seconds: 10) { ((try? String(contentsOfFile: slowLog, encoding: .utf8)) ?? "").contains("/api/sleep?ms=1500") }
        )
        let entry = try String(contentsOfFile: slowLog, encoding: .utf8)
        // One entry: its line, then the stack of the thread running the request.
        #expect(entry.split(separator: "\n").filter { $0.hasPrefix("[") }.count == 1, "\(entry)")
        #expect(entry.contains("GET /api/sleep?ms=1500 route /api/sleep running for 1."), "\(entry)")
        #expect(entry.contains("pid "))
        #expect(entry.contains("request-id "))
        let status = try #require(
            try JSONSerialization.jsonObject(with: Data(try await app.nginx.request("/status?json").body)) as? [String: Any])
        #expect(status["slow requests"] as? Int == 1)
    }

    @Test func aProcessServingAloneHasItsStatusAndReopensItsLogOnSIGUSR1() async throws {
        let logs = try TemporaryDirectory()
        let accessLog = logs.file("access.log")
        let fixture = try await SupervisedFixture.start(
            ["--status-path", "/status", "--access-log", accessLog], nginx: false, deployable: false)
        defer { fixture.stop() }
        let (app, socket) = (fixture.app, fixture.socket)
        #expect(try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/hello")).status == 200)
        let status = try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/status?json"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any])
        #expect(json["total processes"] as? Int == 1)
        #expect(json["accepted conn"] as? Int == 2)

        #expect(await eventually { ((try? String(contentsOfFile: accessLog, encoding: .utf8)) ?? "").split(separator: "\n").count == 2 })
        #expect(rename(accessLog, accessLog + ".1") == 0)
        app.send(SIGUSR1)
        // Reopened: the path that was renamed away exists again.
        #expect(await eventually { FileManager.default.fileExists(atPath: accessLog) })
        #expect(try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/users/5")).status == 200)
        #expect(await eventually { ((try? String(contentsOfFile: accessLog, encoding: .utf8)) ?? "").contains("/api/users/[id]") })
    }

    @Test func aTraceparentShowsInTheAccessLogAndTheServerSpan() async throws {
        RecordingTracer.bootstrap
        let logs = try TemporaryDirectory()
        let accessLog = logs.file("access.log")
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        try await withServerBehindNginx(
            gatewayTestRouter(),
            configure: {
                $0.accessLog = accessLog
                $0.accessFormat = "%{trace-id} %{route} %s %m %r"
            }
        ) { nginx, _ in
            let response = try await nginx.request("/api/users/42", headers: ["traceparent: 00-\(traceID)-00f067aa0ba902b7-01"])
            #expect(response.status == 200)
            #expect(try await nginx.request("/api/users/43").status == 200)
            #expect(
                await eventually(seconds: 10) {
                    ((try? String(contentsOfFile: accessLog, encoding: .utf8)) ?? "").split(separator: "\n").count == 2
                })
        }
        let lines = try String(contentsOfFile: accessLog, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "\(traceID) /api/users/[id] 200 GET /api/users/42")
        #expect(lines.last == "- /api/users/[id] 200 GET /api/users/43")

        let span = try #require(RecordingTracer.shared.finished.withLock { $0.first { $0.traceID == traceID } })
        #expect(span.operationName == "/api/users/[id]")
        #expect(span.kind == .server)
        #expect(span.parentSpanID == "00f067aa0ba902b7")
        #expect(span.attributes.get("http.route") == .string("/api/users/[id]"))
        #expect(span.attributes.get("http.request.method") == .string("GET"))
        #expect(span.attributes.get("url.path") == .string("/api/users/42"))
        #expect(span.attributes.get("http.response.status_code") == .int64(200))
    }

    /// Bootstrapped once per test process, before a server that should count starts.
    static let metrics: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()

    @Test func swiftMetricsCountByRoutePatternWithAFixedLabelForUnmatchedRequests() async throws {
        let metrics = Self.metrics
        // Routes of its own: the backend is process-wide, and other tests' servers count too.
        var router = Router()
        router.get("/metered/users/[id]") { _, context in .json(["id": context.params.id ?? ""]) }
        router.get("/metered/boom") { _, _ in throw TestFailure() }
        try await withServerBehindNginx(router) { (nginx: NginxHarness, _: InProcessServer) async throws in
            for id in 1...3 { #expect(try await nginx.request("/metered/users/\(id)").status == 200) }
            #expect(try await nginx.request("/metered/boom").status == 500)
            #expect(try await nginx.request("/metered/nowhere/at/all").status == 404)
        }
        let user = [("http.route", "/metered/users/[id]"), ("http.request.method", "GET"), ("http.response.status_code", "200")]
        #expect(try metrics.expectCounter("hb.requests", user).totalValue == 3)
        #expect(try metrics.expectTimer("http.server.request.duration", user).values.count == 3)
        #expect(
            try metrics.expectCounter(
                "hb.request.errors", [("http.route", "/metered/boom"), ("http.request.method", "GET"), ("error.type", "500")]
            ).totalValue == 1)
        // Unmatched requests share one fixed label (other tests' 404s may count there too).
        let unmatched = [("http.route", "NotFound"), ("http.request.method", "GET"), ("http.response.status_code", "404")]
        #expect(try metrics.expectCounter("hb.requests", unmatched).totalValue >= 1)
        #expect(try metrics.expectMeter("http.server.active_requests", [("http.request.method", "GET")]).values.isEmpty == false)
        // Never the raw path.
        #expect(!metrics.counters.contains { $0.dimensions.contains { $0.1.hasPrefix("/metered/users/1") } })
    }
}
