import CLinux

#if canImport(Glibc)
import Glibc
#endif

/// The pool's scoreboard, as PHP-FPM keeps one: shared memory (a memfd) that the master creates and passes to
/// every worker, so that whichever worker answers the status page sees the whole pool.
///
/// A header of pool-wide words, a table of exited workers' per-route counts (the master folds a worker's slot
/// in when it reaps it, so that totals never go back), then one slot per worker. A worker writes only its own
/// slot (and the header's pool-wide gauges, atomically); anyone reads. Every shared word is a 64-bit atomic.
final class Scoreboard: @unchecked Sendable {
    /// Names the inherited descriptor in a worker's environment.
    static let variable = "ROUTE_HANDLERS_SCOREBOARD_FD"
    /// Where a worker finds the scoreboard (after the listener on 0 and the control pipe on 3).
    static let inheritedFD: Int32 = 4
    static let magic: UInt64 = 0x5248_5343_4F52_4531

    enum Layout {
        static let headerSize = 4096
        static let entrySize = 256
        /// Where a route entry's key starts: after its four words and its duration buckets.
        static let keyOffset = (4 + Scoreboard.durationBuckets.count) * 8
        /// Bytes of a route entry's key ("route\tmethod\tstatus"); longer keys are cut.
        static let keyCapacity = entrySize - keyOffset
        static let retiredEntries = 512
        static let slotEntries = 128
        static let slotHeaderSize = 512
        static let methodOffset = 104
        static let methodCapacity = 16
        static let uriOffset = 120
        static let uriCapacity = 256
        static let slotSize = slotHeaderSize + slotEntries * entrySize
        static let retiredOffset = headerSize
        static let slotsOffset = headerSize + retiredEntries * entrySize
    }

    /// Word indices in the header.
    enum Pool: Int {
        case magic = 0, slotCount, startTime, maxActiveProcesses, maxActiveRequests, maxListenQueue
        case activeProcesses, activeRequests, retiredRequests, retiredSlowRequests, maxChildrenReached
        /// Pool-wide counters: workers started again after exiting unexpectedly, reloads completed and aborted
        /// (the master's); handlers past --request-terminate-timeout, peers the allow-list refused, connections
        /// dropped for breaking the protocol (any worker's).
        case respawns, reloads, abortedReloads, terminateTimeouts, refusedConnections, droppedConnections
    }

    /// The upper bounds of the request duration histogram's buckets, in microseconds: Prometheus' defaults
    /// (5 ms to 10 s), extended down to 100 µs for a backend that answers in tens of microseconds.
    static let durationBuckets: [UInt64] = [
        100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
        10_000_000,
    ]

    /// The bucket a duration falls in (`durationBuckets.count`: above the last bound, counted only by `+Inf`).
    static func bucket(micros: UInt64) -> Int {
        durationBuckets.firstIndex { micros <= $0 } ?? durationBuckets.count
    }

    /// Adds one to a pool-wide counter.
    func count(_ field: Pool) {
        rh_atomic_add(word(field), 1)
    }

    /// Word indices in a worker's slot.
    enum Worker: Int {
        case pid = 0, startTime, requests, activeRequests, slowRequests
        /// Odd while the request fields below are being written (a seqlock).
        case sequence
        case requestStart, requestEnd, contentLength, lastCPU, lastMemory, methodLength, uriLength
        /// The worker's open connections (``PoolBalance``), after the method and URI bytes.
        case connections = 48
    }

    let fd: Int32
    let base: UnsafeMutableRawPointer
    let size: Int
    let slotCount: Int

    private init(fd: Int32, base: UnsafeMutableRawPointer, size: Int, slotCount: Int) {
        self.fd = fd
        self.base = base
        self.size = size
        self.slotCount = slotCount
    }

    /// A new scoreboard for up to `slots` workers at once, started now.
    static func create(slots: Int) -> Scoreboard? {
        let fd = memfd_create("route-handlers-scoreboard", 1 /* MFD_CLOEXEC */)
        guard fd >= 0 else { return nil }
        let size = Layout.slotsOffset + slots * Layout.slotSize
        guard ftruncate(fd, off_t(size)) == 0, let base = map(fd, size) else {
            close(fd)
            return nil
        }
        let board = Scoreboard(fd: fd, base: base, size: size, slotCount: slots)
        board.store(.slotCount, UInt64(slots))
        board.store(.startTime, UInt64(time(nil)))
        board.store(.magic, magic)
        return board
    }

    /// The scoreboard a master handed this worker, if any.
    static func inherited(environment: [String: String]) -> Scoreboard? {
        guard let fd = environment[variable].flatMap({ Int32($0) }), fd > 2 else { return nil }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_size >= Layout.slotsOffset else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let size = Int(status.st_size)
        guard let base = map(fd, size) else { return nil }
        let header = base.assumingMemoryBound(to: UInt64.self)
        let slots = Int(rh_atomic_load(header + Pool.slotCount.rawValue))
        guard rh_atomic_load(header) == magic, Layout.slotsOffset + slots * Layout.slotSize <= size else {
            munmap(base, size)
            return nil
        }
        return Scoreboard(fd: fd, base: base, size: size, slotCount: slots)
    }

    private static func map(_ fd: Int32, _ size: Int) -> UnsafeMutableRawPointer? {
        let pointer = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let pointer, pointer != MAP_FAILED else { return nil }
        return pointer
    }

    // MARK: - Words

    func word(_ field: Pool) -> UnsafeMutablePointer<UInt64> {
        (base + field.rawValue * 8).assumingMemoryBound(to: UInt64.self)
    }

    func load(_ field: Pool) -> UInt64 { rh_atomic_load(word(field)) }
    func store(_ field: Pool, _ value: UInt64) { rh_atomic_store(word(field), value) }

    func slot(_ index: Int) -> UnsafeMutableRawPointer {
        base + Layout.slotsOffset + index * Layout.slotSize
    }

    /// The slots of the workers alive now (a pid set, not yet released by the master), with their pids.
    var liveSlots: [(slot: UnsafeMutableRawPointer, pid: UInt64)] {
        (0..<slotCount).compactMap { index in
            let slot = slot(index)
            let pid = rh_atomic_load(Self.word(slot, .pid))
            return pid == 0 ? nil : (slot, pid)
        }
    }

    /// The live workers and the connections they hold open, summed (``PoolBalance``).
    func openConnections() -> (workers: Int, connections: UInt64) {
        let live = liveSlots
        return (live.count, live.reduce(0) { $0 + rh_atomic_load(Self.word($1.slot, .connections)) })
    }

    static func word(_ slot: UnsafeMutableRawPointer, _ field: Worker) -> UnsafeMutablePointer<UInt64> {
        (slot + field.rawValue * 8).assumingMemoryBound(to: UInt64.self)
    }

    /// The `index`th route entry of a table starting at `table`.
    static func entry(_ table: UnsafeMutableRawPointer, _ index: Int) -> RouteEntry {
        RouteEntry(base: table + index * Layout.entrySize)
    }

    var retiredTable: UnsafeMutableRawPointer { base + Layout.retiredOffset }

    static func entries(of slot: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        slot + Layout.slotHeaderSize
    }
}

/// A per-route counter in shared memory: key length (0: unused; set last), count, 5xx count, total microseconds,
/// a count per duration bucket (not cumulative), then the key bytes.
struct RouteEntry {
    let base: UnsafeMutableRawPointer

    private func word(_ index: Int) -> UnsafeMutablePointer<UInt64> {
        (base + index * 8).assumingMemoryBound(to: UInt64.self)
    }

    var keyLength: Int { Int(rh_atomic_load(word(0))) }
    var count: UnsafeMutablePointer<UInt64> { word(1) }
    var errors: UnsafeMutablePointer<UInt64> { word(2) }
    var micros: UnsafeMutablePointer<UInt64> { word(3) }
    /// Requests whose duration fell in bucket `index` of ``Scoreboard/durationBuckets`` (not cumulative).
    func bucket(_ index: Int) -> UnsafeMutablePointer<UInt64> { word(4 + index) }

    var key: String {
        let length = min(keyLength, Scoreboard.Layout.keyCapacity)
        return String(decoding: UnsafeRawBufferPointer(start: base + Scoreboard.Layout.keyOffset, count: length), as: UTF8.self)
    }

    /// Adds `other`'s counts to this entry's.
    func add(_ other: RouteEntry) {
        rh_atomic_add(count, rh_atomic_load(other.count))
        rh_atomic_add(errors, rh_atomic_load(other.errors))
        rh_atomic_add(micros, rh_atomic_load(other.micros))
        for index in 0..<Scoreboard.durationBuckets.count { rh_atomic_add(bucket(index), rh_atomic_load(other.bucket(index))) }
    }

    /// Claims an unused entry for `key` (its bytes first, then the length that makes it visible).
    func claim(_ key: String) {
        let bytes = Array(key.utf8.prefix(Scoreboard.Layout.keyCapacity))
        bytes.withUnsafeBytes { source in
            if let start = source.baseAddress { (base + Scoreboard.Layout.keyOffset).copyMemory(from: start, byteCount: source.count) }
        }
        rh_atomic_store(word(0), UInt64(bytes.count))
    }

    static func key(route: String, method: String, status: Int) -> String {
        "\(route)\t\(method)\t\(status)"
    }
}
