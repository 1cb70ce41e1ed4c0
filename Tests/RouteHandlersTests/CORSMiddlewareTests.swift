import HTTPTypes
import RouteHandlers
import RouteHandlersTesting
import Testing

/// The built-in declarative CORS middleware.
@Suite struct CORSMiddlewareTests {
    static func router(_ cors: CORSMiddleware, auth: Bool = false) -> Router {
        var router = Router()
        router.use("/api", cors)
        if auth {
            router.use(
                "/api",
                MiddlewareFunction { request, context, next in
                    guard request.headers.has("Authorization") else { throw HTTPError(.unauthorized) }
                    return try await next(request, context)
                })
        }
        router.get("/api/items") { _, _ in .json(["items": [String]()]) }
        router.post("/api/items") { _, _ in throw HTTPError(.unprocessableContent, "bad item") }
        return router
    }

    @Test func anyOriginWithoutCredentialsIsAStar() async throws {
        try await Self.router(CORSMiddleware()).test { (client: TestClient) throws in
            let response = try await client.get("/api/items", headers: ["Origin": "https://a.example"])
            #expect(response.headers.get("Access-Control-Allow-Origin") == "*")
            #expect(response.headers.get("Vary") == nil)
            // Error responses carry it too, so the page can read why.
            let failed = try await client.post("/api/items", headers: ["Origin": "https://a.example"])
            #expect(failed.status == .unprocessableContent)
            #expect(failed.headers.get("Access-Control-Allow-Origin") == "*")
        }
    }

    @Test func aListEchoesAllowedOriginsWithVaryAndRefusesOthers() async throws {
        let cors = CORSMiddleware(
            origins: .list(["https://app.example"]), methods: [.get, .post], allowedHeaders: .list(["Content-Type", "X-Key"]),
            exposedHeaders: ["X-Total"], credentials: true, maxAge: .seconds(60))
        try await Self.router(cors).test { (client: TestClient) throws in
            let allowed = try await client.get("/api/items", headers: ["Origin": "https://app.example"])
            #expect(allowed.headers.get("Access-Control-Allow-Origin") == "https://app.example")
            #expect(allowed.headers.get("Access-Control-Allow-Credentials") == "true")
            #expect(allowed.headers.get("Access-Control-Expose-Headers") == "X-Total")
            #expect(allowed.headers.get("Vary") == "Origin")
            let other = try await client.get("/api/items", headers: ["Origin": "https://evil.example"])
            #expect(other.status == .ok)
            #expect(other.headers.get("Access-Control-Allow-Origin") == nil)
            #expect(other.headers.get("Vary") == "Origin")

            let preflight = try await client.execute(
                .options, "/api/items", headers: ["Origin": "https://app.example", "Access-Control-Request-Method": "POST"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers.get("Access-Control-Allow-Origin") == "https://app.example")
            #expect(preflight.headers.get("Access-Control-Allow-Methods") == "GET, POST")
            #expect(preflight.headers.get("Access-Control-Allow-Headers") == "Content-Type, X-Key")
            #expect(preflight.headers.get("Access-Control-Max-Age") == "60")
            #expect(preflight.headers.get("Allow") == "GET, HEAD, OPTIONS, POST")
            let refused = try await client.execute(
                .options, "/api/items", headers: ["Origin": "https://evil.example", "Access-Control-Request-Method": "POST"])
            #expect(refused.headers.get("Access-Control-Allow-Origin") == nil)
            #expect(refused.headers.get("Access-Control-Allow-Methods") == nil)
        }
    }

    @Test func aPredicateDecides() async throws {
        let cors = CORSMiddleware(origins: .predicate { $0.hasSuffix(".example.org") })
        try await Self.router(cors).test { (client: TestClient) throws in
            let yes = try await client.get("/api/items", headers: ["Origin": "https://shop.example.org"])
            #expect(yes.headers.get("Access-Control-Allow-Origin") == "https://shop.example.org")
            let no = try await client.get("/api/items", headers: ["Origin": "https://example.com"])
            #expect(no.headers.get("Access-Control-Allow-Origin") == nil)
        }
    }

    @Test func preflightsAreAnsweredBeforeAuthAnd405() async throws {
        let cors = CORSMiddleware(allowedHeaders: .requested(otherwise: ["Content-Type"]), maxAge: .seconds(7200))
        try await Self.router(cors, auth: true).test { (client: TestClient) throws in
            // DELETE is not a method of the route: routing would answer 405, and auth 401. The preflight is first.
            let preflight = try await client.execute(
                .options, "/api/items",
                headers: [
                    "Origin": "https://a.example", "Access-Control-Request-Method": "DELETE",
                    "Access-Control-Request-Headers": "authorization",
                ])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers.get("Access-Control-Allow-Headers") == "authorization")
            #expect(preflight.headers.get("Vary") == "Access-Control-Request-Headers")
            #expect(preflight.headers.get("Access-Control-Max-Age") == "7200")
            // Without an Origin it is no preflight: auth answers.
            #expect(try await client.execute(.options, "/api/items").status == .unauthorized)
        }
    }
}
