import Foundation
import RouteHandlersTestHarness
import Testing

/// app/api/admin of the example (its own middleware: a bearer token) and the audit log written by after().
@Suite("Example API: admin", .timeLimit(.minutes(2)))
struct ExampleAdminTests {
    static let bearer = "Authorization: Bearer \(ExampleAPIServer.adminToken)"

    @Test(arguments: ExampleStore.allCases) func everyAdminRouteNeedsTheBearerToken(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            for path in ["/api/admin/stats", "/api/admin/audit"] {
                for headers in [[], ["Authorization: Bearer wrong"], ["Authorization: Basic YWRtaW46YWRtaW4="], ["Authorization: Bearer"]] {
                    let response = try await api.request(path, headers: headers)
                    #expect(response.status == 401, "\(path) \(headers)")
                    #expect(response.header("WWW-Authenticate") == "Bearer")
                    #expect(response.header("Content-Type") == "application/problem+json")
                    #expect((try? response.json())?["status"] as? Int == 401)
                }
                #expect(try await api.request(path, headers: [Self.bearer]).status == 200)
                #expect(try await api.request(path, headers: ["authorization: bearer \(ExampleAPIServer.adminToken)"]).status == 200)
            }
        }
    }

    @Test(arguments: ExampleStore.allCases) func withoutAnAdminTokenTheAdminAPIIsClosedAndTheOperatorToldWhy(store: ExampleStore)
        async throws
    {
        try await withExampleAPI(store: store, environment: ["ADMIN_TOKEN": ""]) { api in
            let response = try await api.request("/api/admin/stats", headers: [Self.bearer])
            #expect(response.status == 500)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(api.appLog.contains("ADMIN_TOKEN is not set"))
            // The rest of the API is unaffected.
            #expect(try await api.request("/api/hello").status == 200)
        }
    }

    @Test(arguments: ExampleStore.allCases) func statsCountUsersAndPosts(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            #expect(try await api.request("/api/admin/stats", headers: [Self.bearer]).text == #"{"posts":0,"users":0}"#)
            _ = try await api.send("POST", "/api/users", json: #"{"name":"Ada","email":"ada@example.com"}"#)
            _ = try await api.send("POST", "/api/users", json: #"{"name":"Alan","email":"alan@example.com"}"#)
            _ = try await api.send("POST", "/api/posts", json: #"{"title":"T","body":"B","authorId":1}"#)
            let stats = try await api.request("/api/admin/stats", headers: [Self.bearer]).json()
            #expect(stats["users"] as? Int == 2)
            #expect(stats["posts"] as? Int == 1)
            #expect(stats.count == 2)
        }
    }

    @Test(arguments: ExampleStore.allCases) func createdAndDeletedUsersAreAuditedNewestFirst(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            #expect(try await api.request("/api/admin/audit", headers: [Self.bearer]).text == "[]")
            let created = try await api.send("POST", "/api/users", json: #"{"name":"Ada","email":"ada@example.com"}"#)
            #expect(created.status == 201)
            #expect(try await api.request("/api/users/1", method: "DELETE").status == 204)
            // Failed requests record nothing.
            #expect(try await api.request("/api/users/1", method: "DELETE").status == 404)

            // Written after each response, so not necessarily there the moment the client has it; soon after.
            let complete = await eventually(seconds: 3) {
                ((try? await api.request("/api/admin/audit", headers: [Self.bearer]).jsonArray())?.count ?? 0) >= 2
            }
            #expect(complete)
            let entries = try await api.request("/api/admin/audit", headers: [Self.bearer]).jsonArray()
            #expect(entries.count == 2)
            #expect(entries.map { $0["action"] as? String } == ["user.deleted", "user.created"])
            #expect(entries.map { $0["subject"] as? String } == ["1", "1"])
            #expect(entries.allSatisfy { Set($0.keys) == ["id", "action", "subject", "at"] })
            let ids = entries.compactMap { $0["id"] as? Int }
            #expect(ids.count == 2 && ids[0] > ids[1])
            #expect(entries.allSatisfy { (($0["at"] as? String) ?? "").hasSuffix("Z") })
        }
    }

    @Test(arguments: ExampleStore.allCases) func anUnhandledErrorIsAnswered500AndReportedToTheAuditLog(store: ExampleStore) async throws {
        try await withExampleAPI(store: store) { api in
            let failed = try await api.request("/api/admin/fail", headers: [Self.bearer])
            #expect(failed.status == 500)
            let requestID = try #require((try? failed.json())?["requestId"] as? String)
            #expect(!failed.text.contains("DeliberateFailure"))
            // Reported once the response is out: soon after.
            let reported = await eventually(seconds: 5) {
                ((try? await api.request("/api/admin/audit", headers: [Self.bearer]).jsonArray()) ?? []).contains {
                    $0["action"] as? String == "request.failed"
                }
            }
            #expect(reported)
            let entries = try await api.request("/api/admin/audit", headers: [Self.bearer]).jsonArray()
            #expect(
                entries.filter { $0["action"] as? String == "request.failed" }.map { $0["subject"] as? String }
                    == ["500 GET /api/admin/fail \(requestID)"])
        }
    }
}
