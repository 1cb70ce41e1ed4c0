import Testing

/// Caching through the real nginx: a personal answer is never served from the shared cache to another visitor,
/// and a repeated GET with its ETag gets 304, from the app or from nginx's cache.
@Suite("Example API: safe caching and conditional requests", .timeLimit(.minutes(2)))
struct ExampleCachingTests {
    @Test func aCachedRouteThatReadsACookieIsNeverServedToAnotherUser() async throws {
        try await withExampleAPI { api in
            let ada = try await api.request("/api/greeting", headers: ["Cookie: name=Ada"])
            #expect(ada.status == 200)
            #expect(ada.text == #"{"greeting":"Hello, Ada!"}"#)
            #expect(ada.header("Cache-Control")?.hasPrefix("private") == true, "\(ada)")
            #expect(ada.header("Vary") == "Cookie")
            let bob = try await api.request("/api/greeting", headers: ["Cookie: name=Bob"])
            #expect(bob.text == #"{"greeting":"Hello, Bob!"}"#)
            #expect(bob.header("X-Cache-Status") != "HIT")
            let stranger = try await api.request("/api/greeting")
            #expect(stranger.text == #"{"greeting":"Hello, stranger!"}"#)
            #expect(stranger.header("X-Cache-Status") != "HIT")
            // A route that reads no cookie stays shared, whatever cookies its visitors send.
            _ = try await api.request("/api/public/shared/one", headers: ["Cookie: name=Ada"])
            let cached = try await api.request("/api/public/shared/one", headers: ["Cookie: name=Bob"])
            #expect(cached.header("X-Cache-Status") == "HIT", "\(cached)")
        }
    }

    @Test func aRepeatedGetWithItsETagGets304() async throws {
        try await withExampleAPI { api in
            let first = try await api.request("/api/hello")
            let tag = try #require(first.header("ETag"))
            let again = try await api.request("/api/hello", headers: ["If-None-Match: \(tag)"])
            #expect(again.status == 304, "\(again)")
            #expect(again.body.isEmpty)
            #expect(again.header("ETag") == tag)
            #expect(try await api.request("/api/hello", headers: ["If-None-Match: \"stale\""]).status == 200)
            #expect(try await api.request("/api/hello", headers: ["If-Match: \"stale\""]).status == 412)

            // From nginx's cache too: the stored answer keeps its ETag.
            let stored = try await api.request("/api/public/etag/one")
            let storedTag = try #require(stored.header("ETag"))
            let hit = try await api.request("/api/public/etag/one", headers: ["If-None-Match: \(storedTag)"])
            #expect(hit.status == 304, "\(hit)")
        }
    }
}

/// revalidateTag through the real nginx: /api/posts is cached for 60 s, yet every write shows at once, whichever
/// worker answers.
@Suite("Example API: on-demand revalidation", .timeLimit(.minutes(2)))
struct ExampleRevalidationTests {
    @Test(arguments: ExampleStore.allCases) func aCachedGetReflectsAWriteAtOnce(store: ExampleStore) async throws {
        try await withExampleAPI(store: store, environment: ["ROUTE_HANDLERS_PROCESSES": "2"]) { api in
            #expect(try await api.request("/api/posts").text == "[]")
            let cached = try await api.request("/api/posts")
            #expect(cached.header("X-Cache-Status") == "HIT", "\(cached)")
            for _ in 0..<2 { #expect(try await api.request("/api/posts", method: "HEAD").header("Content-Length") == "2") }
            _ = try await api.send("POST", "/api/users", json: #"{"name":"Ada","email":"ada@example.com"}"#)
            let created = try await api.send("POST", "/api/posts", json: #"{"title":"Fresh","body":"","authorId":1}"#)
            #expect(created.status == 201)
            // Refreshed in nginx's cache before the POST was answered: the next GET is a hit, and new.
            let after = try await api.request("/api/posts")
            #expect(after.header("X-Cache-Status") == "HIT", "\(after)")
            #expect(try after.jsonArray().map { $0["title"] as? String } == ["Fresh"])
            // HEAD is cached apart (the key holds the method) and refreshed too: its length is the new body's.
            let head = try await api.request("/api/posts", method: "HEAD")
            #expect(head.header("X-Cache-Status") == "HIT", "\(head)")
            #expect(head.header("Content-Length") == String(after.body.count), "\(head)")
            // A dynamic tagged route and a query variant: cached under paths the route table cannot list.
            for target in ["/api/posts/1", "/api/posts?view=all"] {
                _ = try await api.request(target)
                let again = try await api.request(target)
                #expect(again.header("X-Cache-Status") == "HIT", "\(target): \(again)")
                #expect(again.text.contains("Fresh"), "\(target): \(again)")
            }
            // Deleting the author deletes the post: refreshed too, whichever worker answered those paths (they noted
            // them in the pool's shared index); the deleted post's cached 200 gives way to its 404.
            #expect(try await api.request("/api/users/1", method: "DELETE").status == 204)
            #expect(try await api.request("/api/posts").text == "[]")
            let gone = try await api.request("/api/posts/1")
            #expect(gone.status == 404, "\(gone)")
            #expect(gone.header("X-Cache-Status") == "HIT", "\(gone)")
            let variant = try await api.request("/api/posts?view=all")
            #expect(variant.text == "[]", "\(variant)")
            #expect(variant.header("X-Cache-Status") == "HIT", "\(variant)")
        }
    }
}
