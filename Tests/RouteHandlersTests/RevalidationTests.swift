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

    /// A tagged route with dynamic segments, and query variants: the paths its shared-cacheable answers went out
    /// under are noted, and a tag refreshes them too; a refresh answered 404 may replace what nginx cached.
    @Test func aTagRefreshesThePathsItsAnswersWereCachedUnder() async throws {
        let existing = Mutex<Set<String>>(["1", "2"])
        var router = Router()
        router.add("/api/posts/[id]", .get, config: RouteConfig(revalidate: .seconds(60), tags: ["posts"])) { _, context in
            guard let id = context.params.get("id"), existing.withLock({ $0.contains(id) }) else { throw HTTPError(.notFound) }
            return .text("post \(id)")
        }
        router.add("/api/private/[id]", .get, config: RouteConfig(revalidate: .seconds(60), tags: ["posts"])) { request, _ in
            .text("for \(request.headers.get("Cookie") ?? "nobody")")
        }
        router.delete("/api/posts/[id]") { _, context in
            existing.withLock { _ = $0.remove(context.params.get("id") ?? "") }
            revalidateTag("posts")
            return .empty()
        }
        let recorder = Recorder()
        try await router.test(configuration: .init(revalidator: recorder)) { (client: TestClient) throws in
            for target in ["/api/posts/1", "/api/posts/2?page=2", "/api/posts/9", "/api/private/1"] {
                await (try await client.get(target, headers: ["Cookie": "a=b"])).waitForAfterWork()
            }
            _ = try await client.execute(.delete, "/api/posts/1")
            // The 404 and the personal (private) answer were never cacheable: not noted.
            #expect(recorder.calls.withLock { $0.last?.paths } == ["/api/posts/1", "/api/posts/2?page=2"])
            // The refresh of the deleted post: its 404 may be stored in place of the 200.
            let refresh = try await client.get("/api/posts/1", headers: ["X-Route-Handlers-Revalidate": "1"])
            #expect(refresh.status == .notFound)
            #expect(refresh.headers.get("Cache-Control") == RouteConfig(revalidate: .seconds(60)).cacheControl)
            #expect(try await client.get("/api/posts/1").headers.get("Cache-Control") == nil)
        }
    }

    @Test func theMemoryIndexKeepsTheNewestPathsPerTag() async {
        let index = MemoryTaggedPathIndex(limit: 2)
        await index.record("/a", tags: ["x", "y"])
        await index.record("/b", tags: ["x"])
        await index.record("/a", tags: ["x"])
        await index.record("/c", tags: ["x"])
        #expect(await index.paths(tags: ["x"]) == ["/a", "/c"])
        #expect(await index.paths(tags: ["y", "z"]) == ["/a"])
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
