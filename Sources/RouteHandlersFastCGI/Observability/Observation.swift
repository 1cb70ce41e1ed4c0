import RouteHandlers
import Synchronization
import Tracing

#if canImport(Glibc)
import Glibc
#endif

/// One request as the ``RequestObserver`` follows it, from its parameters to its written response.
final class Observation: @unchecked Sendable {
    let started = ContinuousClock.now
    let startedWall = WorkerSlot.nowMicros()
    let requestID: String
    let request: Request?
    let remoteUser: String?
    let contentLength: Int
    let recorder = RouteRecorder()
    let wasSlow = Atomic<Bool>(false)
    /// The thread the request began on: its event loop's, which runs its handler (the slow log's backtrace).
    let thread = pthread_self()
    private let usageAtStart: Int64?
    /// The status or ping path, when the server answered the request itself (read by the slow log's thread too).
    let fixedRoute = Mutex<String?>(nil)
    // Set by the request's own task only, in order: the slot token and span at the start, the figures at the end.
    var slotToken: UInt64 = 0
    var span: (any Span)?
    private(set) var nanoseconds: Int64 = 0
    private(set) var cpuPercent: Double = 0
    private(set) var peakMemory = 0

    init(requestID: String, request: Request?, remoteUser: String?, contentLength: Int, measuresUsage: Bool) {
        self.requestID = requestID
        self.request = request
        self.remoteUser = remoteUser
        self.contentLength = contentLength
        self.usageAtStart = measuresUsage ? Self.cpuMicros().0 : nil
    }

    var method: String { request?.method.rawValue ?? "-" }
    var path: String { request?.url.pathname ?? "-" }
    var query: String { request?.url.rawQuery ?? "" }
    var uri: String { query.isEmpty ? path : path + "?" + query }

    /// The matched route's pattern, the status or ping path, else ``RequestObserver/unmatchedRoute``.
    var route: String { recorder.recorded?.description ?? fixedRoute.withLock { $0 } ?? RequestObserver.unmatchedRoute }

    /// The trace id of a valid W3C `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`) the request carries.
    var traceID: String? {
        guard let header = request?.headers["traceparent"] else { return nil }
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[1].count == 32, parts[2].count == 16,
            parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase }), parts[1].contains(where: { $0 != "0" })
        else { return nil }
        return String(parts[1])
    }

    func finish(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
        guard let usageAtStart else { return }
        let (cpu, peak) = Self.cpuMicros()
        let wall = max(1, nanoseconds / 1000)
        cpuPercent = Double(max(0, cpu - usageAtStart)) * 100 / Double(wall)
        peakMemory = peak
    }

    /// The process's CPU time (user + system, µs) and peak resident size (bytes).
    static func cpuMicros() -> (Int64, Int) {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = Int64(usage.ru_utime.tv_sec) * 1_000_000 + Int64(usage.ru_utime.tv_usec)
        let system = Int64(usage.ru_stime.tv_sec) * 1_000_000 + Int64(usage.ru_stime.tv_usec)
        return (user + system, usage.ru_maxrss * 1024)
    }
}
