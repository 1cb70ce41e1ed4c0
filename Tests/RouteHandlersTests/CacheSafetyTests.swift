import HTTPTypes
import RouteHandlers
import RouteHandlersTesting
import Testing

/// A `revalidate` route's answer is sent `private` when its making read `Authorization` or `Cookie`, or when it
/// sets a cookie: a shared cache keyed on the URL alone must never hand it to another user.
@Suite struct CacheSafetyTests {
    private let shared = "public, s-maxage=60, stale-while-revalidate=31535940"
    private let personal = "private, no-cache, no-store, max-age=0, must-revalidate"

    private func router() -> Router {
        var router = Router()
        let cached = RouteConfig(revalidate: .seconds(60))
        router.add("/public", .get, config: cached) { request, _ in .text("same for all: \(request.url.pathname)") }
        router.add("/greeting", .get, config: cached) { request, _ in
            .text("hello \(request.cookies.get("user") ?? "stranger")")
        }
        router.add("/me", .get, config: cached) { request, _ in
            .text(request.headers.get("Authorization") == nil ? "anonymous" : "you")
        }
        router.add("/all", .get, config: cached) { request, _ in .text("\(request.headers.fields.count) headers") }
        router.add("/login", .get, config: cached) { _, _ in
            var response = Response.text("welcome")
            response.cookies.set("session", "s1")
            return response
        }
        router.add("/chosen", .get, config: cached) { request, _ in
            .text("mine", headers: ["Cache-Control": "public, max-age=5", "X-User": request.headers.get("Authorization") ?? ""])
        }
        router.add("/varied", .get, config: cached) { request, _ in
            .text(request.headers.get("Cookie") ?? "", headers: ["Vary": "Accept-Encoding"])
        }
        return router
    }

    @Test func anAnswerThatReadNoPersonalHeaderStaysShared() async throws {
        try await router().test { (client: TestClient) throws in
            let response = try await client.get("/public", headers: ["Cookie": "user=ada", "Authorization": "Bearer t"])
            #expect(response.headers.get("Cache-Control") == shared)
            #expect(response.headers.get("Vary") == nil)
        }
    }

    @Test func readingACookieOrCredentialsMakesItPrivateWithVaryPresentOrNot() async throws {
        try await router().test { (client: TestClient) throws in
            for headers: Headers in [["Cookie": "user=ada"], [:]] {
                let greeting = try await client.get("/greeting", headers: headers)
                #expect(greeting.headers.get("Cache-Control") == personal)
                #expect(greeting.headers.get("Vary") == "Cookie")
                let me = try await client.get("/me", headers: headers)
                #expect(me.headers.get("Cache-Control") == personal)
                #expect(me.headers.get("Vary") == "Authorization")
            }
            let all = try await client.get("/all")
            #expect(all.headers.get("Cache-Control") == personal)
            #expect(all.headers.get("Vary") == "Authorization, Cookie")
            let varied = try await client.get("/varied")
            #expect(varied.headers.getAll("Vary") == ["Accept-Encoding", "Cookie"])
        }
    }

    @Test func settingACookieMakesItPrivate() async throws {
        try await router().test { (client: TestClient) throws in
            let login = try await client.get("/login")
            #expect(login.headers.get("Cache-Control") == personal)
            #expect(login.headers.getSetCookie().count == 1)
        }
    }

    @Test func aCacheControlTheHandlerChoseIsKept() async throws {
        try await router().test { (client: TestClient) throws in
            #expect(
                try await client.get("/chosen", headers: ["Authorization": "Bearer t"]).headers.get("Cache-Control") == "public, max-age=5")
        }
    }

    @Test func middlewareReadingTheCookieCountsToo() async throws {
        var router = router()
        router.use { request, context, next in
            _ = request.cookies.get("session")
            return try await next(request, context)
        }
        try await router.test { (client: TestClient) throws in
            #expect(try await client.get("/public").headers.get("Cache-Control") == personal)
        }
    }
}
