import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking work (waiting for a process, a curl call) on a thread of its own, so that tests never block
/// Swift's cooperative pool, which the in-process server's handlers need.
public func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass, without holding a thread.
public func eventually(seconds: Double = 10, _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass. Blocking: only on offloaded threads.
public func waitUntil(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}
