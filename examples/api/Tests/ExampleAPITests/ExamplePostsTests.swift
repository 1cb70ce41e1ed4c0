import Testing

/// /api/posts of the example, through nginx, on SQLite and on PostgreSQL.
@Suite("Example API: posts", .timeLimit(.minutes(2)))
struct ExamplePostsTests {
    @Test(arguments: ExampleStore.allCases) func createsAndListsPostsOfExistingAuthors(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            #expect(try await api.request("/api/posts").text == "[]")
            _ = try await api.send("POST", "/api/users", json: #"{"name":"Ada","email":"ada@example.com"}"#)
            let first = try await api.send("POST", "/api/posts", json: #"{"title":"Notes","body":"On the engine.","authorId":1}"#)
            #expect(first.status == 201, "\(first)")
            #expect(first.header("Content-Type") == "application/json")
            #expect(first.text == #"{"authorId":1,"body":"On the engine.","id":1,"title":"Notes"}"#)
            let second = try await api.send("POST", "/api/posts", json: #"{"title":"More","body":"","authorId":1}"#)
            #expect(second.status == 201)
            let list = try await api.request("/api/posts").jsonArray()
            #expect(list.map { $0["id"] as? Int } == [1, 2])
            #expect(list.map { $0["title"] as? String } == ["Notes", "More"])
            #expect(list.allSatisfy { $0["authorId"] as? Int == 1 })
        }
    }

    @Test(arguments: ExampleStore.allCases) func anUnknownAuthorIs422(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            for authorId in ["7", "0", "-3"] {
                let response = try await api.send("POST", "/api/posts", json: #"{"title":"T","body":"B","authorId":\#(authorId)}"#)
                #expect(response.status == 422, "\(authorId): \(response)")
                #expect(response.problemDetail.contains(#""authorId""#))
            }
            #expect(try await api.request("/api/posts").text == "[]")
        }
    }

    @Test(arguments: ExampleStore.allCases) func invalidBodiesAre400Or422NamingTheField(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            _ = try await api.send("POST", "/api/users", json: #"{"name":"Ada","email":"ada@example.com"}"#)
            let cases: [(body: String, status: Int, field: String)] = [
                (#"{"body":"B","authorId":1}"#, 422, #""title""#),
                (#"{"title":" ","body":"B","authorId":1}"#, 422, #""title""#),
                (#"{"title":"T","authorId":1}"#, 422, #""body""#),
                (#"{"title":"T","body":"B"}"#, 422, #""authorId""#),
                (#"{"title":"T","body":"B","authorId":"1"}"#, 422, #""authorId""#),
                ("[1,2]", 422, ""),
                ("{", 400, ""),
            ]
            for item in cases {
                let response = try await api.send("POST", "/api/posts", json: item.body)
                #expect(response.status == item.status, "\(item.body): \(response)")
                #expect(item.field.isEmpty || response.problemDetail.contains(item.field), "\(item.body): \(response.problemDetail)")
            }
        }
    }

    @Test(arguments: ExampleStore.allCases) func deletingAUserDeletesTheirPosts(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            _ = try await api.send("POST", "/api/users", json: #"{"name":"Ada","email":"ada@example.com"}"#)
            _ = try await api.send("POST", "/api/users", json: #"{"name":"Bob","email":"bob@example.com"}"#)
            _ = try await api.send("POST", "/api/posts", json: #"{"title":"A","body":"","authorId":1}"#)
            _ = try await api.send("POST", "/api/posts", json: #"{"title":"B","body":"","authorId":2}"#)
            #expect(try await api.request("/api/users/1", method: "DELETE").status == 204)
            #expect(try await api.request("/api/posts").jsonArray().map { $0["title"] as? String } == ["B"])
        }
    }
}
