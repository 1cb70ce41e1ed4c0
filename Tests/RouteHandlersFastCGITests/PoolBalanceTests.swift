import CLinux
import RouteHandlersTestHarness
import Synchronization
import Testing

@testable import RouteHandlersFastCGI

/// The balance's rules on a scoreboard of this process: another live worker is a slot with a pid and a count.
@Suite struct PoolBalanceTests {
    private final class Listener: Sendable {
        let pauses = Atomic<Int>(0)
        let resumes = Atomic<Int>(0)
    }

    /// This process's slot and a second worker's (pid 1), holding `others` connections.
    private func pool(others: UInt64) throws -> (WorkerSlot, other: UnsafeMutableRawPointer) {
        let board = try #require(Scoreboard.create(slots: 4))
        let slot = try #require(WorkerSlot.claim(in: board))
        let other = board.slot(slot.index == 0 ? 1 : 0)
        rh_atomic_store(Scoreboard.word(other, .pid), 1)
        rh_atomic_store(Scoreboard.word(other, .connections), others)
        return (slot, other)
    }

    private func balance(_ slot: WorkerSlot, _ listener: Listener) -> PoolBalance {
        PoolBalance(
            slot: slot, pause: { listener.pauses.add(1, ordering: .relaxed) }, resume: { listener.resumes.add(1, ordering: .relaxed) })
    }

    @Test func overItsShareAWorkerStopsListeningAndUnderItListensAgain() throws {
        let (slot, _) = try pool(others: 0)
        let listener = Listener()
        let balance = balance(slot, listener)
        // 5 of 5: a share of 3, plus 2.
        for _ in 0..<5 { balance.connectionOpened() }
        #expect(listener.pauses.load(ordering: .relaxed) == 0)
        balance.connectionOpened()
        #expect(listener.pauses.load(ordering: .relaxed) == 1)
        balance.connectionOpened()
        #expect(listener.pauses.load(ordering: .relaxed) == 1, "paused once")
        balance.connectionClosed()
        #expect(listener.resumes.load(ordering: .relaxed) == 0, "6 of 6 is still over a share of 3 plus 2")
        balance.connectionClosed()
        #expect(listener.resumes.load(ordering: .relaxed) == 1)
    }

    @Test func aWorkerAloneNeverStopsListening() throws {
        let board = try #require(Scoreboard.create(slots: 4))
        let slot = try #require(WorkerSlot.claim(in: board))
        let listener = Listener()
        let balance = balance(slot, listener)
        for _ in 0..<100 { balance.connectionOpened() }
        #expect(listener.pauses.load(ordering: .relaxed) == 0)
    }

    @Test func aPausedWorkerListensAgainWhenTheOthersTakeConnectionsOrAfterItsPatience() async throws {
        let (slot, other) = try pool(others: 0)
        let listener = Listener()
        let balance = balance(slot, listener)
        _ = spawnThread(name: "test-balance") { balance.watch() }
        defer { balance.stop() }
        for _ in 0..<6 { balance.connectionOpened() }
        #expect(listener.pauses.load(ordering: .relaxed) == 1)
        // The other worker takes connections: this one is under its share without closing any.
        rh_atomic_store(Scoreboard.word(other, .connections), 6)
        #expect(await eventually(seconds: 5, { listener.resumes.load(ordering: .relaxed) == 1 }))
        // Over its share again, and the other worker takes none (blocked): it listens again all the same.
        rh_atomic_store(Scoreboard.word(other, .connections), 0)
        balance.connectionOpened()
        #expect(listener.pauses.load(ordering: .relaxed) == 2)
        #expect(await eventually(seconds: 5, { listener.resumes.load(ordering: .relaxed) == 2 }))
        #expect(balance.overShare(), "resumed by patience, not by its share")
    }

    @Test func afterStopTheListenerIsNeverPutBack() throws {
        let (slot, _) = try pool(others: 0)
        let listener = Listener()
        let balance = balance(slot, listener)
        for _ in 0..<6 { balance.connectionOpened() }
        balance.stop()
        for _ in 0..<6 { balance.connectionClosed() }
        #expect(listener.resumes.load(ordering: .relaxed) == 0)
    }
}
