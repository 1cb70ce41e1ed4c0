import Foundation
import RouteHandlers
import Synchronization

/// Routes the process-manager tests use: which build answers, handlers that overrun their time limits, memory
/// that grows.
func addProcessRoutes(to router: inout Router, version: String) {
    // Tells two builds of the fixture apart (route-handlers-fixture answers "1", route-handlers-fixture-v2 "2").
    router.get("/api/version") { _, _ in .json(["version": version, "pid": String(getpid())]) }
    // Ignores cancellation: blocks its thread (a synchronous call that never returns, as a stuck driver would).
    router.get("/api/hang") { request, _ in
        let seconds = request.url.searchParams.get("s").flatMap { UInt32($0) } ?? 600
        sleep(seconds)
        return .json(["hung": "\(seconds)s"])
    }
    // Holds its thread computing for `ms` milliseconds (a handler stuck in a loop), in a function the slow log's
    // backtrace names.
    router.get("/api/spin") { request, _ in
        let milliseconds = request.url.searchParams.get("ms").flatMap { Int($0) } ?? 1000
        return .json(["spun": spinForSlowLog(milliseconds: milliseconds)])
    }
    // How many /api/sleep handlers saw their task cancelled, in this process.
    router.get("/api/cancellations") { _, _ in .json(["cancelled": sleepCancellations.load(ordering: .relaxed)]) }
    // Keeps `mb` MiB of touched memory for the life of the process.
    router.get("/api/grow") { request, _ in
        let megabytes = min(request.url.searchParams.get("mb").flatMap { Int($0) } ?? 1, 1024)
        let total = retained.withLock { chunks in
            chunks.append([UInt8](repeating: 1, count: megabytes * 1_048_576))
            return chunks.reduce(0) { $0 + $1.count } / 1_048_576
        }
        return .json(["retainedMB": total])
    }
}

let sleepCancellations = Atomic<Int>(0)
private let retained = Mutex<[[UInt8]]>([])

/// Spins for `milliseconds` (no system call to interrupt); returns the rounds, so that the loop is not optimized away.
@inline(never)
public func spinForSlowLog(milliseconds: Int) -> Int {
    let deadline = ContinuousClock.now + .milliseconds(milliseconds)
    var rounds = 0
    while ContinuousClock.now < deadline { rounds &+= 1 }
    return rounds
}
