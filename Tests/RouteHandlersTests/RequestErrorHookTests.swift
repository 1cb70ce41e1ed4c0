import HTTPTypes
import RouteHandlers
import RouteHandlersTesting
import Synchronization
import Testing

/// `onRequestError`: every error no handler answered is reported once, with its request, route and id, after the
/// response; the 4xx a handler throws on purpose and abandoned requests are not.
@Suite struct RequestErrorHookTests {
    struct Broken: Error {}

    private func router() -> Router {
        var router = Router()
        router.get("/api/users/[id]") { _, _ in throw Broken() }
        router.get("/teapot") { _, _ in throw HTTPError(.badRequest, "no") }
        router.get("/unavailable") { _, _ in throw HTTPError(.serviceUnavailable, "later") }
        router.use("/caught") { request, context, next in
            do { return try await next(request, context) } catch { return context.response(for: error) }
        }
        router.get("/caught/inner") { _, _ in throw Broken() }
        return router
    }

    @Test func eachUnhandledErrorIsReportedOnceWithItsRequestRouteAndID() async throws {
        let reports = Mutex<[RequestErrorReport]>([])
        let configuration = RouteResponder.Configuration(onRequestError: { report in reports.withLock { $0.append(report) } })
        try await router().test(configuration: configuration) { (client: TestClient) throws in
            let failed = try await client.get("/api/users/42", headers: ["X-Trace": "t1"])
            #expect(failed.status == .internalServerError)
            await failed.waitForAfterWork()
            let report = try #require(reports.withLock { $0.first })
            #expect(report.error is Broken)
            #expect(report.routePattern == "/api/users/[id]")
            #expect(report.request.url.pathname == "/api/users/42")
            #expect(report.request.headers.get("X-Trace") == "t1")
            #expect(report.status == .internalServerError)
            let problem = try failed.json([String: JSONValue].self)
            #expect(problem["requestId"] == .string(report.requestID))

            // Answered by middleware through context.response(for:): still reported, once.
            try await client.get("/caught/inner").waitForAfterWork()
            // A 5xx HTTPError is reported; a 4xx one, a 404 and a 405 are answers, not failures.
            try await client.get("/unavailable").waitForAfterWork()
            for path in ["/teapot", "/nowhere"] { try await client.get(path).waitForAfterWork() }
            try await client.post("/teapot").waitForAfterWork()
        }
        let seen = reports.withLock { $0.map { "\($0.status.code) \($0.routePattern ?? "-")" } }
        #expect(seen == ["500 /api/users/[id]", "500 /caught/inner", "503 /unavailable"])
    }
}
