import Foundation
import RouteHandlers
import RouteHandlersTestHarness
import Synchronization
import Testing

@testable import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#endif

/// The rate limits a pool's workers and a CGI script's processes share: two limiters on one directory stand for
/// two processes (the byte-range locks belong to open file descriptions, so they conflict within a process too).
@Suite struct SharedRateLimiterTests {
    @Test func limitersOnOneDirectoryCountTogether() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("limits")
        let now = Mutex<Int64>(1_800_000_000_000)
        let clock: @Sendable () -> Int64 = { now.withLock { $0 } }
        let first = SharedRateLimiter(directory: path, clock: clock)
        let second = SharedRateLimiter(directory: path, clock: clock)
        let limit = RateLimit(2, per: .minute, burst: 1)
        #expect(first.admit(route: "/a", key: "192.0.2.1", limit: limit) == .admitted)
        #expect(second.admit(route: "/a", key: "192.0.2.1", limit: limit) == .admitted)
        #expect(first.admit(route: "/a", key: "192.0.2.1", limit: limit) == .limited(retryAfter: 30))
        #expect(second.admit(route: "/a", key: "192.0.2.1", limit: limit) == .limited(retryAfter: 30))
        #expect(second.admit(route: "/a", key: "192.0.2.9", limit: limit) == .admitted)
        #expect(second.admit(route: "/b", key: "192.0.2.1", limit: limit) == .admitted)
        now.withLock { $0 += 30_000 }
        #expect(first.admit(route: "/a", key: "192.0.2.1", limit: limit) == .admitted)
        // A clock set back an hour does not lock the key out for that hour.
        now.withLock { $0 -= 3_600_000 }
        #expect(second.admit(route: "/a", key: "192.0.2.1", limit: limit) == .admitted)
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o700)
    }

    @Test func manyKeysDoNotOverflowTheTable() throws {
        let directory = try TemporaryDirectory()
        let limiter = SharedRateLimiter(directory: directory.file("limits"))
        let limit = RateLimit(1, per: .minute)
        // More keys than the table has slots: older ones give way; each new key is admitted once, then refused.
        for index in 0..<(SharedRateLimiter.slotCount * 2) {
            #expect(limiter.admit(route: "/a", key: "key-\(index)", limit: limit) == .admitted)
        }
        #expect(limiter.admit(route: "/a", key: "fresh", limit: limit) == .admitted)
        #expect(limiter.admit(route: "/a", key: "fresh", limit: limit) == .limited(retryAfter: 60))
    }

    @Test func concurrencyIsCountedAcrossLimitersAndComesBackWithThePermit() throws {
        let directory = try TemporaryDirectory()
        let first = SharedRateLimiter(directory: directory.file("limits"))
        let second = SharedRateLimiter(directory: directory.file("limits"))
        var held = first.enter(route: "/slow", limit: 2)
        let other = second.enter(route: "/slow", limit: 2)
        #expect(held != nil && other != nil)
        #expect(first.enter(route: "/slow", limit: 2) == nil)
        #expect(second.enter(route: "/slow", limit: 2) == nil)
        #expect(second.enter(route: "/fast", limit: 1) != nil)
        held = nil
        #expect(second.enter(route: "/slow", limit: 2) != nil)
        _ = (held, other)
    }

    /// A directory others may open could have its counts forged or filled: nothing is counted there.
    @Test func aDirectoryOthersMayOpenIsNotUsed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("open")
        #expect(mkdir(path, 0o755) == 0)
        #expect(chmod(path, 0o755) == 0)
        let limiter = SharedRateLimiter(directory: path)
        let limit = RateLimit(1, per: .minute)
        for _ in 0..<3 { #expect(limiter.admit(route: "/a", key: "k", limit: limit) == .admitted) }
        #expect(!FileManager.default.fileExists(atPath: path + "/rates"))
    }

    @Test func theEnvironmentNamesTheDirectoryAndCGIScriptsGetOneOfTheirOwn() {
        #expect(PoolDirectory.configured(environment: ["ROUTE_HANDLERS_POOL_DIR": "/run/x"], cgi: false)?.path == "/run/x")
        #expect(PoolDirectory.configured(environment: [:], cgi: false) == nil)
        let cgi = PoolDirectory.configured(environment: [:], cgi: true)?.path ?? ""
        #expect(cgi.contains("/route-handlers-\(geteuid())/cgi-"))
    }
}
