import RouteHandlers
import RouteHandlersTesting
import Testing

/// A file-based route with `rateLimit` keyed by a header (`app/api/quota`), counted by the responder where no web
/// server counted first.
@Suite struct RateLimitRouteTests {
    @Test func eachKeyHasItsAllowanceAndRequestsWithoutOneAreNotCounted() async throws {
        let client = TestClient(responder: try Router.app().responder())
        for _ in 0..<2 { #expect(try await client.get("/api/quota", headers: ["X-API-Key": "alpha"]).status == .ok) }
        let limited = try await client.get("/api/quota", headers: ["X-API-Key": "alpha"])
        #expect(limited.status == .tooManyRequests)
        #expect(limited.headers.get("Retry-After") == "30")
        #expect(limited.headers.get("Content-Type") == "application/problem+json")
        #expect(limited.text.contains("More requests than /api/quota admits: 2 a minute and 1 at once beyond it."))
        #expect(try await client.get("/api/quota", headers: ["X-API-Key": "beta"]).status == .ok)
        for _ in 0..<5 { #expect(try await client.get("/api/quota").status == .ok) }
    }
}
