import Foundation
import RouteHandlers
import Testing
@testable import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#endif

/// The observability options, the access log format and the scoreboard, in process.
@Suite("Observability options and scoreboard")
struct ObservabilityOptionsTests {
    @Test func optionsAndTheirEnvironmentVariables() throws {
        let options = try ServerOptions.parse([
            "--listen", "/tmp/a.sock", "--status-path", "/status", "--ping-path", "/ping", "--access-log", "-",
            "--access-format", "%R %s %{route}", "--slowlog", "/tmp/slow.log", "--slowlog-timeout", "1500ms",
        ])
        let configuration = try #require(try options.configuration(environment: [:]))
        #expect(configuration.statusPath == "/status")
        #expect(configuration.pingPath == "/ping")
        #expect(configuration.accessLog == "-")
        #expect(configuration.accessFormat == "%R %s %{route}")
        #expect(configuration.slowlog == "/tmp/slow.log")
        #expect(configuration.slowlogTimeout == .milliseconds(1500))

        let environment = [
            "ROUTE_HANDLERS_LISTEN": "/tmp/b.sock", "ROUTE_HANDLERS_STATUS_PATH": "/fpm-status", "ROUTE_HANDLERS_PING_PATH": "/alive",
            "ROUTE_HANDLERS_ACCESS_LOG": "/tmp/access.log", "ROUTE_HANDLERS_SLOWLOG": "/tmp/s.log", "ROUTE_HANDLERS_SLOWLOG_TIMEOUT": "2",
        ]
        let resolved = try #require(try ServerOptions.parse([]).configuration(environment: environment))
        #expect(resolved.statusPath == "/fpm-status")
        #expect(resolved.pingPath == "/alive")
        #expect(resolved.accessLog == "/tmp/access.log")
        #expect(resolved.slowlogTimeout == .seconds(2))
    }

    @Test(arguments: [
        ["--status-path", "status"], ["--ping-path", "/ping?x"], ["--access-format", "%z"], ["--access-format", "%{Host}"],
        ["--access-format", "%{route"], ["--access-format", "50%"], ["--slowlog-timeout", "0"], ["--slowlog-timeout", "soon"],
    ])
    func invalidValuesAreRefusedWithTheOptionNamed(arguments: [String]) throws {
        let options = try ServerOptions.parse(["--listen", "/tmp/a.sock"] + arguments)
        #expect(throws: ServerError.self) { try options.configuration(environment: [:]) }
    }

    @Test func theFormatKnowsFPMsTokensAndOurs() throws {
        let format = try AccessLogFormat(
            #"%R %u %t "%m %r%Q%q" %s %{mili}d %{X-Test}i %{Content-Type}o %{route} %{request-id} %{trace-id} %% %p"#)
        #expect(format.tokens.contains(.requestHeader("X-Test")))
        #expect(format.tokens.contains(.responseHeader("Content-Type")))
        #expect(format.tokens.contains(.duration("mili")))
        #expect(format.tokens.contains(.route) && format.tokens.contains(.requestID) && format.tokens.contains(.traceID))
        #expect(format.tokens.contains(.literal(" % ")))
        let log = AccessLog(file: try LogFile(path: "/dev/null"), format: format, pool: "app", masterPID: 1)
        defer { log.file.close() }
        let params: [(name: String, value: String)] = [
            ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/a/b?x=1"), ("REMOTE_ADDR", "10.0.0.9"), ("HTTP_X_TEST", "yes"),
            ("HTTP_TRACEPARENT", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        ]
        let request = try Request(cgiParams: params)
        let observation = Observation(requestID: "req-1", request: request, remoteUser: "ada", contentLength: 0, measuresUsage: false)
        observation.finish(nanoseconds: 1_234_567)
        let line = log.line(observation, response: .text("ok"))
        #expect(line.hasPrefix("10.0.0.9 ada "))
        #expect(
            line.contains(#""GET /a/b?x=1" 200 1.234 yes text/plain; charset=utf-8 NotFound req-1 0af7651916cd43dd8448eb211c80319c % "#),
            "\(line)")
        #expect(!line.contains("\n"))
    }

    @Test func aWorkersCountsOutliveItInTheScoreboard() throws {
        let board = try #require(Scoreboard.create(slots: 2))
        let slot = try #require(WorkerSlot.claim(in: board))
        for status in [200, 200, 503] {
            let token = slot.begin(.init(started: WorkerSlot.nowMicros(), method: "GET", uri: "/x", contentLength: 0))
            #expect(board.snapshot().activeRequests == 1)
            slot.end(token, route: "/x", method: "GET", status: status, micros: 10, cpu: 0, memory: 0)
        }
        slot.countSlow()
        let before = board.snapshot()
        #expect(before.acceptedConnections == 3)
        #expect(before.workers.count == 1 && before.workers.first?.pid == Int(getpid()))
        #expect(before.routes[.init("/x\tGET\t200")]?.count == 2)
        #expect(before.routes[.init("/x\tGET\t503")]?.errors == 1)
        #expect(before.maxActiveRequests == 1 && before.activeRequests == 0 && before.activeProcesses == 0)

        // The master reaps the worker: its slot is free again, its counts stay in the pool's.
        board.release(pid: getpid())
        let after = board.snapshot()
        #expect(after.workers.isEmpty)
        #expect(after.acceptedConnections == 3)
        #expect(after.slowRequests == 1)
        #expect(after.routes[.init("/x\tGET\t200")]?.count == 2)
        #expect(WorkerSlot.claim(in: board) != nil)
    }
}
