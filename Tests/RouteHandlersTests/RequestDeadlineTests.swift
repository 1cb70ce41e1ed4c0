import Foundation
import HTTPTypes
import Logging
import RouteHandlers
import Synchronization
import Testing

/// One deadline for a request: the server's limits and a route's `maxDuration`, resolved once and enforced by the
/// responder through ``withDeadline(_:executor:_:)``.
@Suite struct RequestDeadlineTests {
    @Test func durationsAreWrittenAsOperatorsWriteThem() {
        #expect(Duration.seconds(2).operatorDescription == "2s")
        #expect(Duration.milliseconds(1500).operatorDescription == "1.5s")
        #expect(Duration.milliseconds(250).operatorDescription == "250ms")
    }

    @Test func aRoutesMaxDurationReplacesTheServersSoftLimitAndKeepsItsHardOne() {
        let server = RequestDeadline(timeout: .seconds(30), terminateTimeout: .seconds(60))
        let longer = RequestDeadline.resolved(server: server, route: RouteConfig(maxDuration: .seconds(45)))
        #expect(longer == RequestDeadline(timeout: .seconds(45), origin: .maxDuration, terminateTimeout: .seconds(60)))
        #expect(RequestDeadline.resolved(server: server, route: RouteConfig()) == server)
        #expect(RequestDeadline.resolved(server: server, route: nil) == server)
        #expect(RequestDeadline.resolved(server: nil, route: RouteConfig(maxDuration: .seconds(1)))?.timeout == .seconds(1))
        #expect(RequestDeadline.resolved(server: nil, route: nil) == nil)
    }

    @Test func aDeadlineThrowsAtOnceAndCancelsTheOperation() async throws {
        let cancelled = Mutex(false)
        let gate = Gate()
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.now + .milliseconds(50), executor: nil) {
                // Ignores cancellation until the test opens the gate: the deadline does not wait for it.
                await gate.wait()
                cancelled.withLock { $0 = Task.isCancelled }
                return 1
            }
        }
        gate.open()
        for _ in 0..<500 where !cancelled.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(cancelled.withLock { $0 })
    }

    @Test func aDeadlinePassesAValueOrAnErrorInTimeThrough() async throws {
        #expect(try await withDeadline(.now + .seconds(30), executor: nil) { 7 } == 7)
        await #expect(throws: HTTPError.self) {
            try await withDeadline(.now + .seconds(30), executor: nil) { () async throws -> Int in throw HTTPError(.conflict) }
        }
    }

    @Test func theServersLimitAnswers504WithTheRequestIdAndHandsOverTheRunningHandler() async throws {
        let gate = Gate()
        var router = Router()
        router.add("/stuck", .get) { _, _ in
            await gate.wait()
            return .text("late")
        }
        router.add("/quick", .get) { _, _ in .text("on time") }
        let responder = try router.responder()
        var request = Request("/stuck")
        request.deadline = RequestDeadline(timeout: .milliseconds(100), terminateTimeout: .seconds(60))
        let response = await responder.respond(to: request, requestID: "r1", logger: Logger(label: "test"))
        #expect(response.status == .gatewayTimeout)
        let problem = try Problem(response)
        #expect(problem.requestId == "r1")
        #expect(problem.detail == "The request took longer than 100ms and was cancelled.")
        // The handler ignored its cancellation and still runs: the gateway can wait for it (the hard limit).
        let running = try #require(response.runningHandler)
        gate.open()
        await running.value

        var quick = Request("/quick")
        // A limit no loaded machine reaches: the point is that the responder answers the next request.
        quick.deadline = RequestDeadline(timeout: .seconds(30), terminateTimeout: .seconds(60))
        let answered = await responder.respond(to: quick, requestID: "r2", logger: Logger(label: "test"))
        #expect(answered.status == .ok)
        #expect(answered.runningHandler == nil)
    }

    @Test func aRoutesMaxDurationOverridesTheServersLongerLimit() async throws {
        var router = Router()
        router.add("/limited", .get, config: RouteConfig(maxDuration: .milliseconds(100))) { _, _ in
            try await Task.sleep(for: .seconds(30))
            return .text("late")
        }
        let responder = try router.responder()
        var request = Request("/limited")
        request.deadline = RequestDeadline(timeout: .seconds(60))
        let response = await responder.respond(to: request, requestID: "r3", logger: Logger(label: "test"))
        #expect(response.status == .gatewayTimeout)
        let problem = try Problem(response)
        #expect(problem.requestId == "r3")
        #expect(problem.detail == "The request took longer than this route's limit of 100ms.")
    }
}

extension RequestDeadlineTests {
    @Test func theServersLimitAlsoCutsOffGlobalMiddlewareThatNeverReturns() async throws {
        let gate = Gate()
        var router = Router()
        router.use { request, context, next in
            // Stuck before the route's chain, where only the whole-request deadline can reach it.
            await gate.wait()
            return try await next(request, context)
        }
        router.add("/x", .get) { _, _ in .text("x") }
        let responder = try router.responder()
        var request = Request("/x")
        request.deadline = RequestDeadline(timeout: .milliseconds(50))
        let response = await responder.respond(to: request, requestID: "r4", logger: Logger(label: "test"))
        #expect(response.status == .gatewayTimeout)
        #expect(try Problem(response).requestId == "r4")
        let running = try #require(response.runningHandler)
        gate.open()
        await running.value
    }
}

/// The members of a problem+json body the tests read.
private struct Problem: Decodable {
    var detail: String
    var requestId: String?

    init(_ response: Response) throws {
        self = try JSONDecoder().decode(Problem.self, from: Data(response.body.bytes ?? []))
    }
}

/// Holds a task until the test opens it; ignores cancellation, as a handler stuck in a blocking call would.
private final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
