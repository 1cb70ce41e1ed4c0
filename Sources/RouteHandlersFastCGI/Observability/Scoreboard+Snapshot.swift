import CFastCGI

#if canImport(Glibc)
import Glibc
#endif

/// What the status page shows: the pool read from the scoreboard at one moment.
struct PoolSnapshot: Sendable {
    struct Worker: Sendable {
        var pid: Int
        var startTime: Int
        var requests: UInt64
        var activeRequests: UInt64
        var requestStart: UInt64
        var requestEnd: UInt64
        var method: String
        var uri: String
        var contentLength: UInt64
        /// Percent of a CPU the process used during its last request (hundredths).
        var lastCPU: UInt64
        var lastMemory: UInt64
        var state: String { activeRequests > 0 ? "Running" : "Idle" }
    }

    struct RouteCount: Sendable {
        var count: UInt64 = 0
        var errors: UInt64 = 0
        var micros: UInt64 = 0
    }

    var startTime: Int
    var acceptedConnections: UInt64
    var slowRequests: UInt64
    var activeProcesses: UInt64
    var maxActiveProcesses: UInt64
    var activeRequests: UInt64
    var maxActiveRequests: UInt64
    var maxChildrenReached: UInt64
    var maxListenQueue: UInt64
    var workers: [Worker]
    /// Keyed by route, method and status.
    var routes: [RouteKey: RouteCount]

    struct RouteKey: Hashable, Sendable, Comparable {
        var route: String
        var method: String
        var status: String

        init(_ key: String) {
            let parts = key.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            route = parts.first ?? ""
            method = parts.count > 1 ? parts[1] : ""
            status = parts.count > 2 ? parts[2] : ""
        }

        static func < (a: RouteKey, b: RouteKey) -> Bool {
            (a.route, a.method, a.status) < (b.route, b.method, b.status)
        }
    }
}

extension Scoreboard {
    /// Reads every slot and sums it with what exited workers left.
    func snapshot() -> PoolSnapshot {
        var result = PoolSnapshot(
            startTime: Int(load(.startTime)), acceptedConnections: load(.retiredRequests), slowRequests: load(.retiredSlowRequests),
            activeProcesses: 0, maxActiveProcesses: load(.maxActiveProcesses), activeRequests: 0,
            maxActiveRequests: load(.maxActiveRequests), maxChildrenReached: load(.maxChildrenReached),
            maxListenQueue: load(.maxListenQueue), workers: [], routes: [:])
        Self.addEntries(of: retiredTable, count: Layout.retiredEntries, to: &result.routes)
        for index in 0..<slotCount {
            let slot = slot(index)
            let pid = rh_atomic_load(Self.word(slot, .pid))
            guard pid != 0 else { continue }
            var worker = readWorker(slot)
            worker.pid = Int(pid)
            result.acceptedConnections += worker.requests
            result.slowRequests += rh_atomic_load(Self.word(slot, .slowRequests))
            result.activeRequests += worker.activeRequests
            if worker.activeRequests > 0 { result.activeProcesses += 1 }
            result.workers.append(worker)
            Self.addEntries(of: Self.entries(of: slot), count: Layout.slotEntries, to: &result.routes)
        }
        result.workers.sort { $0.pid < $1.pid }
        return result
    }

    private static func addEntries(of table: UnsafeMutableRawPointer, count: Int, to routes: inout [PoolSnapshot.RouteKey: PoolSnapshot.RouteCount]) {
        for index in 0..<count {
            let entry = entry(table, index)
            guard entry.keyLength > 0 else { break }
            let key = PoolSnapshot.RouteKey(entry.key)
            routes[key, default: .init()].count += rh_atomic_load(entry.count)
            routes[key, default: .init()].errors += rh_atomic_load(entry.errors)
            routes[key, default: .init()].micros += rh_atomic_load(entry.micros)
        }
    }

    /// A worker's fields, its request fields read consistently (retried while its writer is mid-update).
    private func readWorker(_ slot: UnsafeMutableRawPointer) -> PoolSnapshot.Worker {
        func load(_ field: Worker) -> UInt64 { rh_atomic_load(Self.word(slot, field)) }
        var worker = PoolSnapshot.Worker(
            pid: 0, startTime: Int(load(.startTime)), requests: load(.requests), activeRequests: load(.activeRequests),
            requestStart: 0, requestEnd: 0, method: "-", uri: "-", contentLength: 0, lastCPU: 0, lastMemory: 0)
        for _ in 0..<8 {
            let before = load(.sequence)
            guard before & 1 == 0 else { continue }
            worker.requestStart = load(.requestStart)
            worker.requestEnd = load(.requestEnd)
            worker.contentLength = load(.contentLength)
            worker.lastCPU = load(.lastCPU)
            worker.lastMemory = load(.lastMemory)
            let methodLength = min(Int(load(.methodLength)), Layout.methodCapacity)
            let uriLength = min(Int(load(.uriLength)), Layout.uriCapacity)
            worker.method = String(decoding: UnsafeRawBufferPointer(start: slot + Layout.methodOffset, count: methodLength), as: UTF8.self)
            worker.uri = String(decoding: UnsafeRawBufferPointer(start: slot + Layout.uriOffset, count: uriLength), as: UTF8.self)
            if worker.method.isEmpty { worker.method = "-" }
            if worker.uri.isEmpty { worker.uri = "-" }
            if load(.sequence) == before { break }
        }
        return worker
    }

    /// The master, reaping `pid`: folds its slot into the pool's totals and frees it.
    func release(pid: pid_t) {
        for index in 0..<slotCount {
            let slot = slot(index)
            guard rh_atomic_load(Self.word(slot, .pid)) == UInt64(pid) else { continue }
            rh_atomic_add(word(.retiredRequests), rh_atomic_load(Self.word(slot, .requests)))
            rh_atomic_add(word(.retiredSlowRequests), rh_atomic_load(Self.word(slot, .slowRequests)))
            let active = rh_atomic_load(Self.word(slot, .activeRequests))
            if active > 0 {
                rh_atomic_sub(word(.activeRequests), active)
                rh_atomic_sub(word(.activeProcesses), 1)
            }
            let table = Self.entries(of: slot)
            for entryIndex in 0..<Layout.slotEntries {
                let entry = Self.entry(table, entryIndex)
                guard entry.keyLength > 0 else { break }
                guard let target = retiredEntry(for: entry.key) else { break }
                rh_atomic_add(target.count, rh_atomic_load(entry.count))
                rh_atomic_add(target.errors, rh_atomic_load(entry.errors))
                rh_atomic_add(target.micros, rh_atomic_load(entry.micros))
            }
            memset(slot + 8, 0, Layout.slotSize - 8)
            rh_atomic_store(Self.word(slot, .pid), 0)
        }
    }

    /// The retired table's entry for `key`, claimed if new; `nil` when the table is full.
    private func retiredEntry(for key: String) -> RouteEntry? {
        for index in 0..<Layout.retiredEntries {
            let entry = Self.entry(retiredTable, index)
            if entry.keyLength == 0 {
                entry.claim(key)
                return entry
            }
            if entry.key == key { return entry }
        }
        return nil
    }
}
