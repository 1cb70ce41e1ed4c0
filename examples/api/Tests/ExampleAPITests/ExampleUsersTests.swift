import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// /api/users and /api/users/[id] of the example, through nginx, on SQLite and on PostgreSQL.
@Suite("Example API: users", .timeLimit(.minutes(2)))
struct ExampleUsersTests {
    @Test(arguments: ExampleStore.allCases) func helloAnswersTheDocumentedJSON(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            let response = try await api.request("/api/hello")
            #expect(response.status == 200)
            #expect(response.text == #"{"message":"Hello, World!"}"#)
            #expect(response.header("Content-Type") == "application/json")
        }
    }

    @Test(arguments: ExampleStore.allCases) func createsListsReadsReplacesAndDeletesUsers(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            #expect(try await api.request("/api/users").text == "[]")

            let created = try await api.send("POST", "/api/users", json: #"{"name":"Ada Lovelace","email":"ada@example.com"}"#)
            #expect(created.status == 201, "\(created)")
            #expect(created.header("Location") == "/api/users/1")
            #expect(created.text == #"{"email":"ada@example.com","id":1,"name":"Ada Lovelace"}"#)
            let second = try await api.send("POST", "/api/users", json: #"{"name":"Alan","email":"alan@example.com"}"#)
            #expect(second.header("Location") == "/api/users/2")

            let list = try await api.request("/api/users").jsonArray()
            #expect(list.map { $0["id"] as? Int } == [1, 2])
            #expect(list.map { $0["email"] as? String } == ["ada@example.com", "alan@example.com"])

            let one = try await api.request("/api/users/2")
            #expect(one.status == 200)
            #expect(one.text == #"{"email":"alan@example.com","id":2,"name":"Alan"}"#)

            let replaced = try await api.send("PUT", "/api/users/2", json: #"{"name":"Alan Turing","email":"turing@example.com"}"#)
            #expect(replaced.status == 200, "\(replaced)")
            #expect(replaced.text == #"{"email":"turing@example.com","id":2,"name":"Alan Turing"}"#)
            #expect(try await api.request("/api/users/2").json()["name"] as? String == "Alan Turing")

            let deleted = try await api.request("/api/users/1", method: "DELETE")
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
            #expect(try await api.request("/api/users/1").status == 404)
            #expect(try await api.request("/api/users").jsonArray().map { $0["id"] as? Int } == [2])
        }
    }

    @Test(arguments: ExampleStore.allCases) func fieldsAreTrimmedAndKeepTheirUnicode(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            let created = try await api.send("POST", "/api/users", json: #"{"name":"  Zoë 李 \u0000 ✓ ","email":" zoe@exämple.com\n"}"#)
            #expect(created.status == 201, "\(created)")
            let read = try await api.request("/api/users/1").json()
            #expect(read["name"] as? String == "Zoë 李 \u{0} ✓")
            #expect(read["email"] as? String == "zoe@exämple.com")
        }
    }

    @Test(arguments: ExampleStore.allCases) func unknownIdsAre404ForEveryMethod(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            for path in ["/api/users/42", "/api/users/abc", "/api/users/0", "/api/users/-1"] {
                let get = try await api.request(path)
                #expect(get.status == 404, "\(path)")
                #expect(get.header("Content-Type") == "application/problem+json")
                #expect(try await api.send("PUT", path, json: #"{"name":"X","email":"x@example.com"}"#).status == 404)
                #expect(try await api.request(path, method: "DELETE").status == 404)
            }
        }
    }

    @Test(arguments: ExampleStore.allCases) func invalidBodiesAre400Or422NamingTheField(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            let cases: [(body: String, status: Int, field: String)] = [
                (#"{"name":"Ada"}"#, 422, #""email""#),
                (#"{"email":"ada@example.com"}"#, 422, #""name""#),
                (#"{"name":"  ","email":"ada@example.com"}"#, 422, #""name""#),
                (#"{"name":42,"email":"ada@example.com"}"#, 422, #""name""#),
                (#"{"name":"Ada","email":null}"#, 422, #""email""#),
                (#"{"name":"Ada","email":"not-an-email"}"#, 422, #""email""#),
                (#"{"name":"Ada","email":"a@b@c"}"#, 422, #""email""#),
                (#"{"name":"Ada","email":"ada @example.com"}"#, 422, #""email""#),
                (#"{"name":"Ada","email":"@example.com"}"#, 422, #""email""#),
                (#"{"name":"Ada","email":"ada@"}"#, 422, #""email""#),
                (#"{"name":"Ada","#, 400, ""),
                ("not json", 400, ""),
                ("", 400, ""),
            ]
            for item in cases {
                let response = try await api.send("POST", "/api/users", json: item.body)
                #expect(response.status == item.status, "\(item.body): \(response)")
                #expect(response.header("Content-Type") == "application/problem+json")
                #expect(item.field.isEmpty || response.problemDetail.contains(item.field), "\(item.body): \(response.problemDetail)")
            }
            // PUT validates the same way.
            _ = try await api.send("POST", "/api/users", json: #"{"name":"Ada","email":"ada@example.com"}"#)
            let badPut = try await api.send("PUT", "/api/users/1", json: #"{"name":"Ada"}"#)
            #expect(badPut.status == 422)
            #expect(badPut.problemDetail.contains(#""email""#))
            #expect(try await api.send("PUT", "/api/users/1", json: "{").status == 400)
            // Nothing invalid was stored.
            #expect(try await api.request("/api/users").jsonArray().count == 1)
        }
    }

    @Test(arguments: ExampleStore.allCases) func aDuplicateEmailIs409OnCreateAndReplace(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            #expect(try await api.send("POST", "/api/users", json: #"{"name":"Ada","email":"ada@example.com"}"#).status == 201)
            #expect(try await api.send("POST", "/api/users", json: #"{"name":"Bob","email":"bob@example.com"}"#).status == 201)
            let duplicate = try await api.send("POST", "/api/users", json: #"{"name":"Other Ada","email":"ada@example.com"}"#)
            #expect(duplicate.status == 409)
            #expect(duplicate.header("Content-Type") == "application/problem+json")
            #expect(duplicate.problemDetail.contains("ada@example.com"))
            let stolen = try await api.send("PUT", "/api/users/2", json: #"{"name":"Bob","email":"ada@example.com"}"#)
            #expect(stolen.status == 409)
            // Keeping one's own email is not a conflict.
            #expect(try await api.send("PUT", "/api/users/1", json: #"{"name":"Ada L.","email":"ada@example.com"}"#).status == 200)
            #expect(try await api.request("/api/users").jsonArray().count == 2)
        }
    }

    @Test(arguments: ExampleStore.allCases) func concurrentCreatesOfOneEmailMakeOneUser(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            // The database's UNIQUE constraint decides, not a check before the insert: one 201, the rest 409.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await api.send("POST", "/api/users", json: #"{"name":"Twin \#(index)","email":"twin@example.com"}"#).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.sorted() == [201] + Array(repeating: 409, count: 19), "\(statuses)")
            #expect(try await api.request("/api/users").jsonArray().count == 1)
        }
    }

    @Test(arguments: ExampleStore.allCases) func dataSurvivesKillDashNineAndARestart(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            let created = try await api.send("POST", "/api/users", json: #"{"name":"Grace","email":"grace@example.com"}"#)
            #expect(created.status == 201)
            let replaced = try await api.send("PUT", "/api/users/1", json: #"{"name":"Grace Hopper","email":"grace@example.com"}"#)
            #expect(replaced.status == 200)
            // Twenty more, acknowledged just before the kill: each 201 means committed.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await api.send("POST", "/api/users", json: #"{"name":"U\#(index)","email":"u\#(index)@example.com"}"#).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 201, count: 20))
            try await api.restart(signal: SIGKILL)
            #expect(try await api.request("/api/users").jsonArray().count == 21)
            let read = try await api.request("/api/users/1")
            #expect(read.status == 200, "\(read) \(api.appLog)")
            #expect(read.text == #"{"email":"grace@example.com","id":1,"name":"Grace Hopper"}"#)
            // Ids keep counting after the restart.
            let next = try await api.send("POST", "/api/users", json: #"{"name":"Katherine","email":"kj@example.com"}"#)
            #expect(next.header("Location") == "/api/users/22")
        }
    }

    @Test(arguments: ExampleStore.allCases) func fiftyConcurrentCreatesAllLand(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await api.send("POST", "/api/users", json: #"{"name":"User \#(index)","email":"user\#(index)@example.com"}"#)
                            .status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 201, count: 50))
            let users = try await api.request("/api/users").jsonArray()
            #expect(users.count == 50)
            #expect(users.compactMap { $0["id"] as? Int } == Array(1...50))
            #expect(Set(users.compactMap { $0["email"] as? String }) == Set((0..<50).map { "user\($0)@example.com" }))
        }
    }
}
