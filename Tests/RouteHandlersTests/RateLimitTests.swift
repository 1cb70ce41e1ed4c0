import Logging
import RouteHandlers
import RouteHandlersTesting
import Synchronization
import Testing

/// `RateLimit`'s arithmetic (nginx's `limit_req burst=N nodelay`), the in-process limiter and the responder's 429s.
@Suite struct RateLimitTests {
    /// Replays `times` (ms) through the algorithm: which requests are admitted.
    static func admitted(_ limit: RateLimit, at times: [Int64]) -> [Bool] {
        var tat: Int64 = 0
        return times.map { now in
            guard case .admitted(let next) = limit.admit(tat: tat, now: now) else { return false }
            tat = next
            return true
        }
    }

    @Test func burstPlusOneAtOnceThenOnePerInterval() {
        let limit = RateLimit(10, per: .minute, burst: 5)
        #expect(limit.interval == 6000)
        #expect(Self.admitted(limit, at: Array(repeating: 1000, count: 8)) == [true, true, true, true, true, true, false, false])
        // Six at once use the allowance up; one more comes back every 6 s.
        #expect(
            Self.admitted(limit, at: [1000, 1000, 1000, 1000, 1000, 1000, 6999, 7000, 7000, 13_000]) == [
                true, true, true, true, true, true, false, true, false, true,
            ])
        // Without a burst: exactly one per interval.
        #expect(Self.admitted(RateLimit(2, per: .second), at: [0, 100, 499, 500, 999, 1000]) == [true, false, false, true, false, true])
    }

    @Test func aRefusalSaysHowLongToWait() {
        let limit = RateLimit(3, per: .minute, burst: 2)
        var tat: Int64 = 0
        for _ in 0..<3 {
            guard case .admitted(let next) = limit.admit(tat: tat, now: 50_000) else {
                Issue.record("refused")
                return
            }
            tat = next
        }
        #expect(limit.admit(tat: tat, now: 50_000) == .limited(retryAfterMilliseconds: 20_000))
        #expect(RateLimitDecision(limit.admit(tat: tat, now: 50_000)) == .limited(retryAfter: 20))
        #expect(RateLimitDecision(limit.admit(tat: tat, now: 69_999)) == .limited(retryAfter: 1))
        #expect(RateLimitDecision(limit.admit(tat: tat, now: 70_000)) == .admitted)
    }

    @Test func theMemoryLimiterCountsPerRouteAndKey() {
        let now = Mutex<Int64>(100_000)
        let limiter = MemoryRateLimiter { now.withLock { $0 } }
        let limit = RateLimit(1, per: .second)
        #expect(limiter.admit(route: "/a", key: "1.2.3.4", limit: limit) == .admitted)
        #expect(limiter.admit(route: "/a", key: "1.2.3.4", limit: limit) == .limited(retryAfter: 1))
        #expect(limiter.admit(route: "/a", key: "5.6.7.8", limit: limit) == .admitted)
        #expect(limiter.admit(route: "/b", key: "1.2.3.4", limit: limit) == .admitted)
        now.withLock { $0 += 1000 }
        #expect(limiter.admit(route: "/a", key: "1.2.3.4", limit: limit) == .admitted)
    }

    @Test func concurrencyPermitsComeBackWhenReleased() {
        let limiter = MemoryRateLimiter()
        var first = limiter.enter(route: "/slow", limit: 2)
        let second = limiter.enter(route: "/slow", limit: 2)
        #expect(first != nil && second != nil)
        #expect(limiter.enter(route: "/slow", limit: 2) == nil)
        #expect(limiter.enter(route: "/other", limit: 1) != nil)
        first = nil
        #expect(limiter.enter(route: "/slow", limit: 2) != nil)
        _ = (first, second)
    }

    @Test func theResponderAnswers429WithRetryAfterPerClient() async throws {
        var router = Router()
        router.add("/limited", .get, config: RouteConfig(rateLimit: RateLimit(1, per: .minute))) { _, _ in .text("ok") }
        router.add("/open", .get) { _, _ in .text("open") }
        let responder = try router.responder()
        func get(_ path: String, from address: String) async -> Response {
            await responder.respond(to: Request(url: RequestURL(target: path), remoteAddress: address), logger: .init(label: "test"))
        }
        #expect(await get("/limited", from: "192.0.2.1").status == .ok)
        let limited = await get("/limited", from: "192.0.2.1")
        #expect(limited.status == .tooManyRequests)
        #expect(limited.headers.get("Retry-After") == "60")
        #expect(limited.headers.get("Content-Type") == "application/problem+json")
        #expect(await get("/limited", from: "192.0.2.2").status == .ok)
        for _ in 0..<3 { #expect(await get("/open", from: "192.0.2.1").status == .ok) }
    }

    @Test func aRequestHoldsItsConcurrencyPermitUntilItsResponseGoes() async throws {
        var router = Router()
        router.add("/one", .get, config: RouteConfig(maxConcurrency: 1)) { _, _ in .text("one") }
        let responder = try router.responder()
        let logger = Logger(label: "test")
        var held: Response? = await responder.respond(to: Request("/one"), logger: logger)
        #expect(held?.status == .ok)
        let refused = await responder.respond(to: Request("/one"), logger: logger)
        #expect(refused.status == .tooManyRequests)
        #expect(refused.headers.get("Retry-After") == "1")
        held = nil
        #expect(await responder.respond(to: Request("/one"), logger: logger).status == .ok)
        _ = held
    }

    @Test func withoutALimiterNothingIsCounted() async throws {
        var router = Router()
        router.add("/limited", .get, config: RouteConfig(rateLimit: RateLimit(1, per: .minute), maxConcurrency: 1)) { _, _ in .text("ok") }
        let responder = try router.responder(configuration: .init(rateLimiter: nil))
        for _ in 0..<3 { #expect(await responder.respond(to: Request("/limited"), logger: .init(label: "test")).status == .ok) }
    }
}
