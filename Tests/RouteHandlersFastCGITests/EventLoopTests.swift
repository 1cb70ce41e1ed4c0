import Foundation
import Logging
import RouteHandlers
@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The I/O threads' event loops: a task whose executor is a loop runs on the loop's thread, jobs from other
/// threads wake it, and the server spreads connections over its loops and keeps each on one thread.
@Suite("Event loops", .timeLimit(.minutes(1)))
struct EventLoopTests {
    /// A loop running on a thread of its own, stopped and closed by `body`'s end.
    private func withLoop(_ body: (EventLoop) async throws -> Void) async throws {
        let loop = try EventLoop(index: 0)
        let thread = spawnThread(name: "test-loop") {
            loop.run(onEvent: { _, _ in }, logger: Logger(label: "test-loop"))
        }
        do {
            try await body(loop)
        } catch {
            loop.requestExit()
            pthread_join(thread, nil)
            loop.close()
            throw error
        }
        loop.requestExit()
        pthread_join(thread, nil)
        loop.close()
    }

    @Test func aTaskRunsOnItsLoopAndComesBackToItAfterAwaiting() async throws {
        try await withLoop { loop in
            let onLoop = await Task(executorPreference: loop) { () -> [Bool] in
                var seen = [loop.isCurrent]
                // Resumed by a timer thread: through the locked queue and the eventfd.
                try? await Task.sleep(for: .milliseconds(5))
                seen.append(loop.isCurrent)
                // Resumed from the loop itself: through the local queue.
                await Task.yield()
                seen.append(loop.isCurrent)
                return seen
            }.value
            #expect(onLoop == [true, true, true])
            #expect(!loop.isCurrent)
        }
    }

    @Test func jobsFromManyThreadsAllRunWithoutALostWakeUp() async throws {
        try await withLoop { loop in
            let counts = Counts()
            // Tasks created from the cooperative pool, each hopping back to the loop several times while the loop
            // sleeps and wakes: a wake-up lost between the sleeping flag and the queue would hang the test.
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<2000 {
                    group.addTask {
                        await Task(executorPreference: loop) {
                            for _ in 0..<3 {
                                if index % 7 == 0 { try? await Task.sleep(for: .microseconds(50)) } else { await Task.yield() }
                            }
                            counts.record(onLoop: loop.isCurrent)
                        }.value
                    }
                }
            }
            #expect(counts.finished.load(ordering: .relaxed) == 2000)
            #expect(counts.onLoop.load(ordering: .relaxed) == 2000)
        }
    }

    /// A router whose handlers say which thread runs them; `/block` holds its thread, as a synchronous call would,
    /// until `gate` opens (at most 20 s), so no assertion below depends on how busy the machine is.
    private func threadRouter(gate: Gate = Gate()) -> Router {
        var router = Router()
        router.get("/thread") { _, _ in .json(["thread": currentThreadName()]) }
        router.get("/block") { _, _ in
            gate.holdThread()
            return .json(["thread": currentThreadName()])
        }
        return router
    }

    @Test func connectionsOpenedOneByOneAreSpreadAndEachStaysOnItsLoop() async throws {
        let directory = try TemporaryDirectory()
        let server = try InProcessServer(socketPath: directory.file("app.sock"), router: threadRouter()) { $0.ioThreads = 2 }
        let threads = try await offload { () -> [[String]] in
            // Opened while the server is idle, one after the other: the case EPOLLEXCLUSIVE alone would put on one loop.
            var connections: [RawFastCGIConnection] = []
            var threads: [[String]] = []
            for _ in 0..<4 {
                let connection = try RawFastCGIConnection(unixPath: server.socketPath)
                connections.append(connection)
                let response = try connection.exchange(FCGI.request("GET", "/thread", keepConnection: true))
                threads.append([try threadName(response)])
            }
            for (index, connection) in connections.enumerated() {
                for _ in 0..<3 {
                    threads[index].append(try threadName(connection.exchange(FCGI.request("GET", "/thread", keepConnection: true))))
                }
            }
            return threads
        }
        await server.stop()
        // Each connection is served by one thread, a loop's.
        for perConnection in threads {
            #expect(Set(perConnection).count == 1, "\(threads)")
            #expect(perConnection.first?.hasPrefix("fcgi-loop-") == true, "\(threads)")
        }
        let perLoop = Dictionary(grouping: threads.compactMap(\.first), by: { $0 }).mapValues(\.count)
        #expect(perLoop == ["fcgi-loop-0": 2, "fcgi-loop-1": 2], "\(threads)")
    }

    @Test func aBlockingHandlerHoldsOnlyItsOwnLoop() async throws {
        let directory = try TemporaryDirectory()
        let gate = Gate()
        let server = try InProcessServer(socketPath: directory.file("app.sock"), router: threadRouter(gate: gate)) { $0.ioThreads = 2 }
        let (blocked, free, heldMeanwhile) = try await offload { () -> (String, String, Bool) in
            let first = try RawFastCGIConnection(unixPath: server.socketPath)
            let second = try RawFastCGIConnection(unixPath: server.socketPath)
            _ = first.send(FCGI.request("GET", "/block", keepConnection: true))
            guard gate.waitUntilHeld(seconds: 10) else { throw HarnessError("/block never started") }
            let free = try threadName(second.exchange(FCGI.request("GET", "/thread", keepConnection: true)))
            let heldMeanwhile = gate.isHeld
            gate.open()
            guard let blocked = first.readResponse(seconds: 10) else { throw HarnessError("no answer from /block") }
            return (try threadName(ReceivedResponse.parse(blocked.stdout)), free, heldMeanwhile)
        }
        await server.stop()
        #expect(blocked != free)
        // Answered while the other loop's thread was still held.
        #expect(heldMeanwhile)
    }

    @Test func aHandlerBlockingItsOnlyLoopIsStillAnswered504AtTheSoftLimit() async throws {
        let directory = try TemporaryDirectory()
        let gate = Gate()
        let server = try InProcessServer(socketPath: directory.file("app.sock"), router: threadRouter(gate: gate)) {
            $0.ioThreads = 1
            $0.requestTimeout = .milliseconds(300)
        }
        let (status, heldMeanwhile) = try await offload { () -> (Int, Bool) in
            let connection = try RawFastCGIConnection(unixPath: server.socketPath)
            defer { gate.open() }
            let response = try connection.exchange(FCGI.request("GET", "/block"), seconds: 15)
            return (response.status, gate.isHeld)
        }
        await server.stop()
        #expect(status == 504)
        // The only loop's thread was still held: the 504 came from a rescue thread, not after the loop was free.
        #expect(heldMeanwhile)
    }
}

/// Holds a handler's thread until the test opens it (at most 20 s, so a failing test still ends).
private final class Gate: Sendable {
    private let opened = Atomic<Bool>(false)
    private let holding = Atomic<Int>(0)

    var isHeld: Bool { holding.load(ordering: .acquiring) > 0 }

    func holdThread() {
        holding.add(1, ordering: .releasing)
        defer { holding.subtract(1, ordering: .releasing) }
        let deadline = ContinuousClock.now + .seconds(20)
        while !opened.load(ordering: .acquiring), ContinuousClock.now < deadline { usleep(5_000) }
    }

    func waitUntilHeld(seconds: Double) -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !isHeld, ContinuousClock.now < deadline { usleep(5_000) }
        return isHeld
    }

    func open() { opened.store(true, ordering: .releasing) }
}

private final class Counts: Sendable {
    let finished = Atomic<Int>(0)
    let onLoop = Atomic<Int>(0)

    func record(onLoop current: Bool) {
        if current { onLoop.add(1, ordering: .relaxed) }
        finished.add(1, ordering: .relaxed)
    }
}

/// The calling thread's name, as `pthread_setname_np` set it.
private func currentThreadName() -> String {
    let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
    return name.trimmingCharacters(in: .whitespacesAndNewlines)
}

private func threadName(_ response: ReceivedResponse) throws -> String {
    let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
    guard let name = object?["thread"] else { throw HarnessError("no thread in \(response.text)") }
    return name
}
