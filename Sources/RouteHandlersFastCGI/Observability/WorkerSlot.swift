import CLinux
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// This process's slot in the ``Scoreboard``: it counts requests there as they start and end, and publishes its
/// longest-running request (or, when idle, its last one) for the status page's per-worker list.
final class WorkerSlot: @unchecked Sendable {
    let board: Scoreboard
    let slot: UnsafeMutableRawPointer
    let index: Int
    private struct Local {
        var entries: [String: Int] = [:]
        var inFlight: [UInt64: RunningRequest] = [:]
        var nextToken: UInt64 = 0
    }
    private let local = Mutex(Local())

    /// What the status page shows of one request.
    struct RunningRequest: Sendable {
        let started: UInt64  // µs since the epoch
        let method: String
        let uri: String
        let contentLength: Int
    }

    private init(board: Scoreboard, slot: UnsafeMutableRawPointer, index: Int) {
        self.board = board
        self.slot = slot
        self.index = index
    }

    /// Takes a free slot for this process; `nil` when every slot is taken.
    static func claim(in board: Scoreboard) -> WorkerSlot? {
        let pid = UInt64(getpid())
        for index in 0..<board.slotCount {
            let slot = board.slot(index)
            if rh_atomic_cas(Scoreboard.word(slot, .pid), 0, pid) != 0 {
                rh_atomic_store(Scoreboard.word(slot, .startTime), UInt64(time(nil)))
                return WorkerSlot(board: board, slot: slot, index: index)
            }
        }
        return nil
    }

    private func word(_ field: Scoreboard.Worker) -> UnsafeMutablePointer<UInt64> { Scoreboard.word(slot, field) }

    /// Counts a request as started; returns the token to end it with.
    func begin(_ request: RunningRequest) -> UInt64 {
        rh_atomic_add(word(.requests), 1)
        if rh_atomic_add(word(.activeRequests), 1) == 1 {
            let active = rh_atomic_add(board.word(.activeProcesses), 1)
            rh_atomic_max(board.word(.maxActiveProcesses), active)
        }
        rh_atomic_max(board.word(.maxActiveRequests), rh_atomic_add(board.word(.activeRequests), 1))
        return local.withLock { local in
            local.nextToken += 1
            local.inFlight[local.nextToken] = request
            if local.inFlight.count == 1 { publish(request, ended: 0) }
            return local.nextToken
        }
    }

    /// Counts a request as done, under `route` with its status, and how long it took.
    func end(_ token: UInt64, route: String, method: String, status: Int, micros: UInt64, cpu: Double, memory: Int) {
        let key = RouteEntry.key(route: route, method: method, status: status)
        let now = Self.nowMicros()
        let entry: RouteEntry? = local.withLock { local in
            let finished = local.inFlight.removeValue(forKey: token)
            // The oldest request still running, else this one, finished.
            if let oldest = local.inFlight.values.min(by: { $0.started < $1.started }) {
                publish(oldest, ended: 0)
            } else if let finished {
                publish(finished, ended: max(now, finished.started + 1), cpu: cpu, memory: memory)
            }
            if let index = local.entries[key] { return Scoreboard.entry(Scoreboard.entries(of: slot), index) }
            guard local.entries.count < Scoreboard.Layout.slotEntries else { return nil }
            let index = local.entries.count
            local.entries[key] = index
            let entry = Scoreboard.entry(Scoreboard.entries(of: slot), index)
            entry.claim(key)
            return entry
        }
        if let entry {
            rh_atomic_add(entry.micros, micros)
            let bucket = Scoreboard.bucket(micros: micros)
            if bucket < Scoreboard.durationBuckets.count { rh_atomic_add(entry.bucket(bucket), 1) }
            if status >= 500 { rh_atomic_add(entry.errors, 1) }
            rh_atomic_add(entry.count, 1)
        }
        rh_atomic_sub(board.word(.activeRequests), 1)
        if rh_atomic_sub(word(.activeRequests), 1) == 0 {
            rh_atomic_sub(board.word(.activeProcesses), 1)
        }
    }

    /// Counts a request that ran past `--slowlog-timeout`.
    func countSlow() {
        rh_atomic_add(word(.slowRequests), 1)
    }

    /// Writes the per-worker request fields under the seqlock; called with `local` held.
    private func publish(_ request: RunningRequest, ended: UInt64, cpu: Double = 0, memory: Int = 0) {
        let sequence = word(.sequence)
        rh_atomic_add(sequence, 1)
        rh_atomic_store(word(.requestStart), request.started)
        rh_atomic_store(word(.requestEnd), ended)
        rh_atomic_store(word(.contentLength), UInt64(max(0, request.contentLength)))
        rh_atomic_store(word(.lastCPU), UInt64(max(0, cpu * 100).rounded()))
        rh_atomic_store(word(.lastMemory), UInt64(max(0, memory)))
        let method = Array(request.method.utf8.prefix(Scoreboard.Layout.methodCapacity))
        let uri = Array(request.uri.utf8.prefix(Scoreboard.Layout.uriCapacity))
        method.withUnsafeBytes { bytes in
            if let start = bytes.baseAddress { (slot + Scoreboard.Layout.methodOffset).copyMemory(from: start, byteCount: bytes.count) }
        }
        uri.withUnsafeBytes { bytes in
            if let start = bytes.baseAddress { (slot + Scoreboard.Layout.uriOffset).copyMemory(from: start, byteCount: bytes.count) }
        }
        rh_atomic_store(word(.methodLength), UInt64(method.count))
        rh_atomic_store(word(.uriLength), UInt64(uri.count))
        rh_atomic_add(sequence, 1)
    }

    static func nowMicros() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec / 1000)
    }
}
