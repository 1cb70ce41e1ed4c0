import Foundation
import Logging
import RouteHandlers
@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness
import RouteHandlersTesting
import ServiceLifecycle
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// FastCGIServer as a swift-service-lifecycle `Service`, and the services an `Application` runs beside it.
@Suite("ServiceLifecycle", .timeLimit(.minutes(2)))
struct ServiceLifecycleTests {
    /// Events in the order they happened.
    final class Events: Sendable {
        let list = Mutex<[String]>([])
        func add(_ event: String) { list.withLock { $0.append(event) } }
        var all: [String] { list.withLock { $0 } }
    }

    struct ObservingService: Service {
        let events: Events
        func run() async throws {
            events.add("service started")
            try? await gracefulShutdown()
            events.add("service graceful shutdown")
        }
    }

    @Test func serverDrainsBeforeTheNextServiceShutsDown() async throws {
        let events = Events()
        var router = Router()
        router.get("/slow") { _, _ in
            events.add("request started")
            try await Task.sleep(for: .milliseconds(600))
            events.add("request finished")
            return .text("done")
        }
        let directory = try TemporaryDirectory()
        let socket = directory.file("app.sock")
        let server = try FastCGIServer(
            configuration: .init(address: .unix(path: socket)), responder: router.responder(), logger: Logger(label: "test"))
        let service: any Service = server
        let group = ServiceGroup(
            configuration: .init(services: [ObservingService(events: events), service], logger: Logger(label: "test")))
        let running = Task { try await group.run() }

        let client = FastCGIClient(socketPath: socket)
        async let answer = client.send(
            params: [("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/slow"), ("SERVER_NAME", "localhost")], body: [])
        #expect(await eventually { events.all.contains("request started") })
        await group.triggerGracefulShutdown()
        let records = try await answer
        #expect(records.complete)
        let text = String(decoding: records.stdout.flatMap { $0 }, as: UTF8.self)
        #expect(text.contains("Status: 200"))
        #expect(text.hasSuffix("done"))
        try await running.value

        let all = events.all
        let finished = try #require(all.firstIndex(of: "request finished"))
        let shutdown = try #require(all.firstIndex(of: "service graceful shutdown"))
        #expect(finished < shutdown, "\(all)")
        #expect(!isSocketFile(socket))
    }

    @Test func cancellingTheServerTaskStopsIt() async throws {
        let directory = try TemporaryDirectory()
        let server = try FastCGIServer(
            configuration: .init(address: .unix(path: directory.file("app.sock"))),
            responder: ClosureResponder { _ in .text("hi") }, logger: Logger(label: "test"))
        let task = Task { await server.run() }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await task.value
        #expect(!isSocketFile(directory.file("app.sock")))
    }

    // MARK: - Application(services:) as a process

    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func applicationStopsItsServicesAfterTheLastRequestOnSIGTERM() async throws {
        let logs = try TemporaryDirectory()
        let log = logs.file("services.log")
        let fixture = try await SupervisedFixture.start(
            environment: ["PATH": "/usr/bin:/bin", "FIXTURE_SERVICE_LOG": log], nginx: false, deployable: false)
        defer { fixture.stop() }
        let (app, socket) = (fixture.app, fixture.socket)
        #expect(await eventually { lines(log) == ["\(app.pid) started"] })
        async let answer = CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/logged-sleep?ms=800"))
        #expect(await eventually { lines(log).count == 2 })
        app.send(SIGTERM)
        let response = try await answer
        #expect(response.status == 200)
        #expect(await app.exitStatus(within: 10) == 0)
        #expect(
            lines(log) == ["started", "request-started", "request-finished", "graceful-shutdown", "stopped"].map { "\(app.pid) \($0)" })
    }

    @Test func eachSupervisedWorkerRunsItsOwnServicesAndTheMasterNone() async throws {
        let logs = try TemporaryDirectory()
        let log = logs.file("services.log")
        let fixture = try await SupervisedFixture.start(
            ["--processes", "2"], environment: ["PATH": "/usr/bin:/bin", "FIXTURE_SERVICE_LOG": log], nginx: false, deployable: false)
        defer { fixture.stop() }
        let app = fixture.app
        #expect(await eventually { lines(log).filter { $0.hasSuffix(" started") }.count == 2 })
        let workers = Set(lines(log).map { String($0.prefix { $0 != " " }) })
        #expect(workers.count == 2)
        #expect(!workers.contains(String(app.pid)))
        app.send(SIGTERM)
        #expect(await app.exitStatus(within: 15) == 0)
        for worker in workers {
            #expect(
                lines(log).filter { $0.hasPrefix(worker + " ") } == ["started", "graceful-shutdown", "stopped"].map { "\(worker) \($0)" })
        }
    }

    @Test func aCGIRequestRunsBetweenTheServicesStartAndShutdown() async throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("services.log")
        var environment = CGIScript.environment(
            "GET", "/cgi-bin/app/api/logged-sleep?ms=50", scriptName: "/cgi-bin/app", scriptFilename: "/srv/cgi-bin/app")
        environment["FIXTURE_SERVICE_LOG"] = log
        let result = try await CGIScript.run(CGIScript.fixture, environment: environment)
        #expect(result.exitStatus == 0, "\(result.error)")
        #expect(result.response.status == 200)
        // The service and the request run concurrently once both have started; the service shuts down only
        // after the response was written.
        let events = lines(log).map { String($0.drop { $0 != " " }.dropFirst()) }
        #expect(Set(events.prefix(2)) == ["started", "request-started"], "\(events)")
        #expect(Array(events.dropFirst(2)) == ["request-finished", "graceful-shutdown", "stopped"])
    }
}
