import Foundation
import RouteHandlersTestHarness
import Testing

@testable import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#endif

@Suite("Pool metrics: the duration histogram's quantiles")
struct DurationQuantileTests {
    @Test func quantilesInterpolateWithinTheirBucket() {
        var count = PoolSnapshot.RouteCount()
        #expect(count.quantile(0.5) == nil)
        // 100 requests: 50 under 100 µs, 40 in (100, 250], 10 in (1 ms, 2.5 ms].
        count.count = 100
        count.buckets[0] = 50
        count.buckets[1] = 40
        count.buckets[4] = 10
        #expect(count.quantile(0.5) == 100)
        #expect(count.quantile(0.7) == 175)
        #expect(count.quantile(0.95) == 1750)
        #expect(count.quantile(0.99) == 2350)
        // Past the last bound: the last bound, as Prometheus' histogram_quantile answers.
        count.count = 200
        #expect(count.quantile(0.99) == Scoreboard.durationBuckets.last)
    }

    @Test func bucketsAreChosenByUpperBound() {
        #expect(Scoreboard.bucket(micros: 0) == 0)
        #expect(Scoreboard.bucket(micros: 100) == 0)
        #expect(Scoreboard.bucket(micros: 101) == 1)
        #expect(Scoreboard.bucket(micros: 10_000_001) == Scoreboard.durationBuckets.count)
        #expect(StatusReport.bound(100) == "0.0001" && StatusReport.bound(1_000_000) == "1.0" && StatusReport.bound(250_000) == "0.25")
    }
}

/// The pool-wide counters and the histogram, read as an operator and a Prometheus scraper read them.
@Suite("Pool metrics through the status page", .timeLimit(.minutes(2)))
struct PoolMetricsTests {
    static func get(_ target: String, port: Int) async throws -> ReceivedResponse {
        try await offload {
            let connection = try RawFastCGIConnection(host: "127.0.0.1", port: port, from: "127.0.0.2")
            defer { connection.close() }
            return try connection.exchange(FCGI.request("GET", target))
        }
    }

    /// A number on the status page (`?json`); `nil` when it does not answer.
    static func statusField(_ name: String, port: Int) async -> Int? {
        guard let page = try? await get("/status?json", port: port) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any])?[name] as? Int
    }

    @Test func countersHistogramAndTailLatency() async throws {
        let markers = try TemporaryDirectory()
        let port = try freeLoopbackPort()
        let marker = markers.file("fail")
        var environment = ProcessInfo.processInfo.environment
        environment["FIXTURE_FAIL_IF_EXISTS"] = marker
        let fixture = try await SupervisedFixture.start(
            ["--processes", "1", "--status-path", "/status", "--allowed-clients", "127.0.0.2"], environment: environment,
            listen: "127.0.0.1:\(port)", probeFrom: "127.0.0.2", nginx: false, deployable: false)
        defer { fixture.stop() }
        let app = fixture.app
        #expect(await eventually(seconds: 20) { (try? await Self.get("/api/hello", port: port))?.status == 200 }, "\(app.errorOutput)")
        for _ in 0..<20 { #expect(try await Self.get("/api/hello", port: port).status == 200) }

        // Refused twice (a peer outside the list), dropped once (a record of version 2).
        for _ in 0..<2 { #expect(try await AllowedClientsTests.hello(port: port, from: "127.0.0.1") == nil) }
        try await offload {
            let connection = try RawFastCGIConnection(host: "127.0.0.1", port: port, from: "127.0.0.2")
            defer { connection.close() }
            _ = connection.send(FCGI.record(FCGI.beginRequest, id: 1, [0, 1, 0, 0, 0, 0, 0, 0], version: 2))
            guard connection.closesWithin(seconds: 5) else { throw HarnessError("a broken stream was not dropped") }
        }
        // A respawn (the worker killed), a reload done, a reload aborted (its new worker cannot start).
        let worker = try #require(childPIDs(of: app.pid).first)
        kill(worker, SIGKILL)
        #expect(await eventually(seconds: 20) { childPIDs(of: app.pid).count == 1 && !childPIDs(of: app.pid).contains(worker) })
        #expect(await eventually(seconds: 20) { (try? await Self.get("/api/hello", port: port))?.status == 200 })
        app.send(SIGHUP)
        #expect(await eventually(seconds: 30) { await Self.statusField("reloads", port: port) == 1 })
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        app.send(SIGHUP)
        #expect(await eventually(seconds: 30) { await Self.statusField("aborted reloads", port: port) == 1 })
        try FileManager.default.removeItem(atPath: marker)

        let status = try await Self.get("/status?json", port: port)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any], "\(status.text)")
        #expect(json["respawns"] as? Int == 1, "\(json)")
        #expect(json["reloads"] as? Int == 1)
        #expect(json["aborted reloads"] as? Int == 1)
        #expect(json["refused connections"] as? Int == 2)
        #expect(json["dropped connections"] as? Int == 1)
        #expect(json["terminate timeouts"] as? Int == 0)
        let p50 = try #require(json["request duration p50"] as? Int)
        let p99 = try #require(json["request duration p99"] as? Int)
        #expect(p50 > 0 && p50 <= p99 && p99 <= 10_000_000, "\(json)")
        #expect(try await Self.get("/status", port: port).text.contains("request duration p95:"))

        let scrape = try await Self.get("/status?openmetrics", port: port)
        let metrics = try OpenMetrics(parsing: scrape.text)
        #expect(metrics.types["http_server_request_duration_seconds"] == "histogram")
        let hello = ["http_route": "/api/hello", "http_request_method": "GET", "http_response_status_code": "200"]
        let total = try #require(metrics.value("http_server_request_duration_seconds_count", hello))
        #expect(total >= 22)
        var inf = hello
        inf["le"] = "+Inf"
        #expect(metrics.value("http_server_request_duration_seconds_bucket", inf) == total)
        // Cumulative: never decreasing, up to the count.
        let buckets = metrics.samples.filter {
            $0.name == "http_server_request_duration_seconds_bucket" && $0.labels["http_route"] == "/api/hello"
        }
        #expect(buckets.count == Scoreboard.durationBuckets.count + 1)
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value })
        #expect(metrics.value("route_handlers_respawns_total") == 1)
        #expect(metrics.value("route_handlers_reloads_total", ["result": "done"]) == 1)
        #expect(metrics.value("route_handlers_reloads_total", ["result": "aborted"]) == 1)
        #expect(metrics.value("route_handlers_refused_connections_total") == 2)
        #expect(metrics.value("route_handlers_dropped_connections_total") == 1)
    }
}
