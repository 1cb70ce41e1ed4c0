import RouteHandlers
import RouteHandlersTesting
import Testing

/// middleware.swift files and route segment config, compiled by RouteTreePlugin and served in process.
@Suite struct FileMiddlewareTests {
    static func client() throws -> TestClient {
        TestClient(responder: try Router.app().responder())
    }

    @Test func groupMiddlewareWrapsItsRoutesInsideTheRootAndHandsThemTypedValues() async throws {
        let response = try await Self.client().get("/pricing?utm_campaign=autumn")
        #expect(try response.json() == ["campaign": "autumn"])
        // Appended on the way out: the innermost layer first.
        #expect(response.headers.getAll("X-Layers") == ["marketing", "root"])
        #expect(response.headers.get("Cache-Control") == "public, s-maxage=30, stale-while-revalidate=31535970")
    }

    @Test func groupMiddlewareStaysInItsGroup() async throws {
        let client = try Self.client()
        #expect(try await client.get("/about").headers.getAll("X-Layers") == ["marketing", "root"])
        #expect(try await client.get("/").headers.getAll("X-Layers") == ["root"])
        #expect(try await client.get("/api/users/me").headers.getAll("X-Layers") == ["root"])
    }

    @Test func rootMiddlewareAlsoRunsForRequestsThatMatchNoRoute() async throws {
        let client = try Self.client()
        let missing = try await client.get("/nowhere")
        #expect(missing.status == .notFound)
        #expect(missing.headers.getAll("X-Layers") == ["root"])
        let redirect = try await client.get("/about/")
        #expect(redirect.status == .permanentRedirect)
        #expect(redirect.headers.getAll("X-Layers") == ["root"])
        let wrongMethod = try await client.execute(.put, "/")
        #expect(wrongMethod.status == .methodNotAllowed)
        #expect(wrongMethod.headers.getAll("X-Layers") == ["root"])
        let options = try await client.execute(.options, "/")
        #expect(options.status == .noContent)
        #expect(options.headers.getAll("X-Layers") == ["root"])
    }

    @Test func middlewareShortCircuitsAndItsErrorsReachTheRoot() async throws {
        let client = try Self.client()
        let denied = try await client.get("/admin/reports")
        #expect(denied.status == .unauthorized)
        #expect(denied.headers.get("WWW-Authenticate") == "Bearer")
        #expect(denied.headers.get("Content-Type") == "application/problem+json")
        #expect(denied.headers.getAll("X-Layers") == ["root"])
        let allowed = try await client.get("/admin/reports", headers: ["X-Admin": "yes"])
        #expect(allowed.text == "reports")
        #expect(allowed.headers.getAll("X-Layers") == ["admin", "root"])
    }

    @Test func noPathHeaderOrQueryTrickSkipsARoutesMiddleware() async throws {
        let client = try Self.client()
        // Whatever reaches the route runs its chain: it is compiled into the route, not looked up per request.
        for (target, headers) in [
            ("/%61dmin/reports", Headers()), ("/admin/%72eports", [:]), ("/admin/reports?__skip_middleware=1", [:]),
            ("/admin/reports", ["X-Middleware-Subrequest": "middleware:middleware:middleware:middleware:middleware"]),
        ] as [(String, Headers)] {
            let response = try await client.get(target, headers: headers)
            #expect(response.status == .unauthorized, "\(target)")
        }
    }

    @Test func segmentConfigFromTheRouteFile() async throws {
        let client = try Self.client()
        let admin: Headers = ["X-Admin": "yes"]
        let small = try await client.execute(
            .post, "/admin/reports", headers: admin, body: RequestBody(bytes: Array(repeating: 1, count: 1024)))
        #expect(small.text == "1024")
        let large = try await client.execute(
            .post, "/admin/reports", headers: admin, body: RequestBody(bytes: Array(repeating: 1, count: 1025)))
        #expect(large.status == .contentTooLarge)
        // A 504 at all: the 10 s sleep was cut off by the route's maxDuration.
        let slow = try await client.get("/admin/reports?sleep=10000", headers: admin)
        #expect(slow.status == .gatewayTimeout)
        #expect(slow.headers.getAll("X-Layers") == ["root"])
    }
}
