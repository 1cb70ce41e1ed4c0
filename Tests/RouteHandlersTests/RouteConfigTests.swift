import HTTPTypes
import RouteHandlers
import RouteHandlersTesting
import Synchronization
import Testing

/// revalidate, maxDuration and bodyLimit, applied by the responder.
@Suite struct RouteConfigTests {
    @Test func revalidateSetsCacheControlOnSuccessfulGetAndHeadOnly() async throws {
        var router = Router()
        let config = RouteConfig(revalidate: .seconds(60))
        router.add("/cached", .get, config: config) { request, _ in
            request.url.searchParams.get("fail") != nil ? .text("no", status: .notFound) : .text("yes")
        }
        router.add("/cached", .post, config: config) { _, _ in .text("posted") }
        router.add("/own", .get, config: config) { _, _ in .text("own", headers: ["Cache-Control": "no-store"]) }
        router.add("/never", .get, config: RouteConfig(revalidate: .never)) { _, _ in .text("static") }
        router.add("/dynamic", .get, config: RouteConfig(revalidate: .seconds(0))) { _, _ in .text("dynamic") }
        try await router.test { (client: TestClient) throws in
            let expected = "public, s-maxage=60, stale-while-revalidate=31535940"
            #expect(try await client.get("/cached").headers.get("Cache-Control") == expected)
            #expect(try await client.execute(.head, "/cached").headers.get("Cache-Control") == expected)
            #expect(try await client.get("/cached?fail=1").headers.get("Cache-Control") == nil)
            #expect(try await client.post("/cached").headers.get("Cache-Control") == nil)
            #expect(try await client.get("/own").headers.get("Cache-Control") == "no-store")
            #expect(try await client.get("/never").headers.get("Cache-Control") == "public, s-maxage=31536000")
            #expect(try await client.get("/dynamic").headers.get("Cache-Control")?.hasPrefix("private, no-cache, no-store") == true)
        }
    }

    @Test func maxDurationCancelsTheHandlerAndAnswers504() async throws {
        let cancelled = Mutex(false)
        var router = Router()
        // Generous: the first request must finish within it even on a machine busy with the rest of the suite.
        router.add("/slow", .get, config: RouteConfig(maxDuration: .seconds(10))) { request, _ in
            let ms = Int(request.url.searchParams.get("ms") ?? "0") ?? 0
            do {
                try await Task.sleep(for: .milliseconds(ms))
            } catch {
                cancelled.withLock { $0 = true }
                throw error
            }
            return .text("waited \(ms)")
        }
        try await router.test { (client: TestClient) throws in
            #expect(try await client.get("/slow?ms=1").text == "waited 1")
            let start = ContinuousClock.now
            let response = try await client.get("/slow?ms=20000")
            #expect(response.status == .gatewayTimeout)
            #expect(response.headers.get("Content-Type") == "application/problem+json")
            #expect(ContinuousClock.now - start < .seconds(19))
        }
        // The handler's task sees its cancellation on its own schedule, possibly after the 504 went out.
        for _ in 0..<250 where !cancelled.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(cancelled.withLock { $0 })
    }

    @Test func bodyLimitAnswers413BeforeTheHandlerAndLimitsReaders() async throws {
        let ran = Mutex(0)
        var router = Router()
        router.add("/upload", .post, config: RouteConfig(bodyLimit: 4)) { request, _ in
            ran.withLock { $0 += 1 }
            return .text(try await request.text())
        }
        try await router.test { (client: TestClient) throws in
            #expect(try await client.post("/upload", body: "1234").text == "1234")
            let large = try await client.post("/upload", body: "12345")
            #expect(large.status == .contentTooLarge)
            #expect(large.text.contains("4 bytes"))
        }
        #expect(ran.withLock { $0 } == 1)
    }
}
