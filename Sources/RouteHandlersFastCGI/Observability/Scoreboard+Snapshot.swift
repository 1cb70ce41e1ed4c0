import CLinux

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
        /// Requests per bucket of ``Scoreboard/durationBuckets`` (not cumulative; above the last: `count` less
        /// their sum).
        var buckets = [UInt64](repeating: 0, count: Scoreboard.durationBuckets.count)

        mutating func add(_ other: RouteCount) {
            count += other.count
            errors += other.errors
            micros += other.micros
            for index in buckets.indices { buckets[index] += other.buckets[index] }
        }
    }

    /// The pool-wide counters of ``Scoreboard/Pool``.
    var respawns: UInt64 = 0
    var reloads: UInt64 = 0
    var abortedReloads: UInt64 = 0
    var terminateTimeouts: UInt64 = 0
    var refusedConnections: UInt64 = 0
    var droppedConnections: UInt64 = 0

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
        result.respawns = load(.respawns)
        result.reloads = load(.reloads)
        result.abortedReloads = load(.abortedReloads)
        result.terminateTimeouts = load(.terminateTimeouts)
        result.refusedConnections = load(.refusedConnections)
        result.droppedConnections = load(.droppedConnections)
        Self.addEntries(of: retiredTable, count: Layout.retiredEntries, to: &result.routes)
        for (slot, pid) in liveSlots {
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

    private static func addEntries(
        of table: UnsafeMutableRawPointer, count: Int, to routes: inout [PoolSnapshot.RouteKey: PoolSnapshot.RouteCount]
    ) {
        for index in 0..<count {
            let entry = entry(table, index)
            guard entry.keyLength > 0 else { break }
            var count = PoolSnapshot.RouteCount(
                count: rh_atomic_load(entry.count), errors: rh_atomic_load(entry.errors), micros: rh_atomic_load(entry.micros))
            for bucket in count.buckets.indices { count.buckets[bucket] = rh_atomic_load(entry.bucket(bucket)) }
            routes[PoolSnapshot.RouteKey(entry.key), default: .init()].add(count)
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
                target.add(entry)
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

extension PoolSnapshot {
    /// Every route's counts together: the pool's request durations.
    var allRoutes: RouteCount {
        routes.values.reduce(into: RouteCount()) { $0.add($1) }
    }
}

extension PoolSnapshot.RouteCount {
    /// The `q` quantile (0...1) of the durations, in microseconds, estimated from the buckets as Prometheus'
    /// `histogram_quantile` does (linearly within the bucket it falls in; the last bound when above it); `nil`
    /// without requests.
    func quantile(_ q: Double) -> UInt64? {
        guard count > 0 else { return nil }
        let rank = q * Double(count)
        var below: UInt64 = 0
        for (index, inBucket) in buckets.enumerated() {
            if Double(below + inBucket) >= rank, inBucket > 0 {
                let lower = index == 0 ? 0 : Double(Scoreboard.durationBuckets[index - 1])
                let upper = Double(Scoreboard.durationBuckets[index])
                let within = max(0, rank - Double(below)) / Double(inBucket)
                return UInt64((lower + (upper - lower) * within).rounded())
            }
            below += inBucket
        }
        return Scoreboard.durationBuckets.last
    }
}
