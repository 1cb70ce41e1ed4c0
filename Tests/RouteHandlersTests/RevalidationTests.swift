import HTTPTypes
import Logging
import RouteHandlers
import RouteHandlersTesting
import Synchronization
import Testing

/// revalidatePath and revalidateTag: what a request asks for reaches the configured revalidator before the response.
@Suite struct RevalidationTests {
    final class Recorder: CacheRevalidator {
        let calls = Mutex<[(paths: [String], host: String?)]>([])
        func revalidate(paths: [String], host: String?, logger: Logger) async {
            calls.withLock { $0.append((paths, host)) }
        }
    }

    @Test func tagsAndPathsAreRefreshedBeforeTheResponseOnceEach() async throws {
        var router = Router()
        router.add("/api/posts", .get, config: RouteConfig(revalidate: .seconds(60), tags: ["posts"])) { _, _ in .json([String]()) }
        router.add("/api/feed", .get, config: RouteConfig(revalidate: .seconds(60), tags: ["posts", "feed"])) { _, _ in .text("feed") }
        router.add("/api/posts/[id]", .get, config: RouteConfig(revalidate: .seconds(60), tags: ["posts"])) { _, _ in .text("one") }
        router.post("/api/posts") { _, _ in
            revalidateTag("posts")
            revalidatePath("/api/posts/7")
            revalidatePath("/api/feed")
            return .text("created", status: .created)
        }
        router.post("/api/fail") { _, _ in
            revalidateTag("feed")
            throw HTTPError(.conflict)
        }
        router.get("/api/plain") { _, _ in .text("nothing asked") }
        let recorder = Recorder()
        try await router.test(configuration: .init(basePath: "/app", revalidator: recorder)) { (client: TestClient) throws in
            #expect(try await client.post("/app/api/posts", headers: ["Host": "example.org"]).status == .created)
            // Revalidated before the answer came back.
            let first = try #require(recorder.calls.withLock { $0.first })
            #expect(first.paths == ["/app/api/posts/7", "/app/api/feed", "/app/api/posts"])
            #expect(first.host == "example.org")
            // Also when the handler threw after making its change.
            #expect(try await client.post("/app/api/fail").status == .conflict)
            #expect(recorder.calls.withLock { $0.last?.paths } == ["/app/api/feed"])
            _ = try await client.get("/app/api/plain")
            #expect(recorder.calls.withLock { $0.count } == 2)
        }
    }

    @Test func withoutARevalidatorTheyDoNothing() async throws {
        var router = Router()
        router.post("/x") { _, _ in
            revalidatePath("/x")
            return .text("ok")
        }
        try await router.test { (client: TestClient) throws in
            #expect(try await client.post("/x").text == "ok")
        }
        // Outside a request: nothing to attach to, no crash.
        revalidateTag("anything")
    }
}
