import Logging
import RouteHandlers
import RouteHandlersTesting
import Synchronization
import Testing

/// after(): work that runs once the response is out.
@Suite struct AfterWorkTests {
    @Test func afterWorkRunsOnlyOnceTheResponseIsComplete() async throws {
        let events = Mutex<[String]>([])
        var router = Router()
        router.use { request, context, next in
            after { events.withLock { $0.append("middleware after") } }
            return try await next(request, context)
        }
        router.get("/x") { _, _ in
            after {
                try await Task.sleep(for: .milliseconds(300))
                events.withLock { $0.append("handler after") }
            }
            events.withLock { $0.append("handler") }
            return .text("x")
        }
        try await router.test { (client: TestClient) throws in
            let response = try await client.get("/x")
            // The response is complete while the slow after-work is still running (the quick one may have run
            // already: after-work starts as soon as the response is out, not after the test looks).
            #expect(response.text == "x")
            let seen = events.withLock { $0 }
            #expect(seen.first == "handler" && !seen.contains("handler after"), "\(seen)")
            await response.waitForAfterWork()
            #expect(events.withLock { $0 } == ["handler", "middleware after", "handler after"])
        }
    }

    @Test func afterWorkRunsForErrorResponsesAndItsErrorsAreLoggedWithTheRequestID() async throws {
        let log = LogCapture()
        let ran = Mutex(0)
        var router = Router()
        router.get("/fails") { _, _ in
            after {
                struct AuditDown: Error {}
                throw AuditDown()
            }
            after { ran.withLock { $0 += 1 } }
            throw HTTPError(.conflict)
        }
        let client = TestClient(responder: try router.responder(), logger: log.logger)
        let response = try await client.get("/fails")
        #expect(response.status == .conflict)
        await response.waitForAfterWork()
        #expect(ran.withLock { $0 } == 1)
        // The one error logged (a 409 is not): the failed work, with its request's id.
        let line = try #require(log.lines.first { $0.level == .error })
        #expect(line.metadata["request-id"] != nil)
        // The error's description is only in the message.
        #expect(line.message.contains("AuditDown"))
    }

    @Test func afterWorkCountsAgainstMaxDuration() async throws {
        let log = LogCapture()
        let finished = Mutex(false)
        var router = Router()
        router.add("/x", .get, config: RouteConfig(maxDuration: .seconds(1))) { _, _ in
            after {
                try await Task.sleep(for: .seconds(120))
                finished.withLock { $0 = true }
            }
            return .text("x")
        }
        let client = TestClient(responder: try router.responder(), logger: log.logger)
        let start = ContinuousClock.now
        let response = try await client.get("/x")
        #expect(response.status == .ok)
        await response.waitForAfterWork()
        // Cut off at 1 s; the bound only says "long before the 120 s sleep", however busy the machine.
        #expect(ContinuousClock.now - start < .seconds(60))
        #expect(!finished.withLock { $0 })
        #expect(log.lines.contains { $0.message.contains("maxDuration") })
    }

    @Test func noAfterWorkMeansNothingToWaitFor() async throws {
        var router = Router()
        router.get("/x") { _, _ in .text("x") }
        try await router.test { (client: TestClient) throws in
            try await client.get("/x").waitForAfterWork()
        }
    }
}

/// Log lines, captured.
final class LogCapture: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let storage = Mutex<[Line]>([])
    var lines: [Line] { storage.withLock { $0 } }

    var logger: Logger {
        Logger(label: "capture") { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.storage.withLock { $0.append(Line(level: event.level, message: "\(event.message)", metadata: merged)) }
        }
    }
}
