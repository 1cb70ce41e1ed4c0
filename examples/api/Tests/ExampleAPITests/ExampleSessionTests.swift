import RouteHandlersTestHarness
import Testing

/// /api/session of the example: a signed session cookie whose data lives in the database, so it holds whichever
/// worker answers (and whichever host: see the cluster's tests).
@Suite("Example API: sessions", .timeLimit(.minutes(2)))
struct ExampleSessionTests {
    /// The session cookie's value a response sets.
    static func sessionCookie(_ response: ReceivedResponse) -> String? {
        guard let setCookie = response.header("Set-Cookie"), setCookie.hasPrefix("session=") else { return nil }
        return String(setCookie.dropFirst("session=".count).prefix { $0 != ";" })
    }

    @Test(arguments: ExampleStore.allCases) func aSessionSurvivesRequestsLandingOnAnyWorker(store: ExampleStore) async throws {
        try await withExampleAPI(store: store, environment: ["ROUTE_HANDLERS_PROCESSES": "2"]) { api in
            let first = try await api.request("/api/session")
            #expect(first.text == #"{"visits":1}"#, "\(first)")
            let setCookie = try #require(first.header("Set-Cookie"))
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
            let cookie = try #require(Self.sessionCookie(first))
            // Ten more on new connections: nginx spreads them over both workers.
            for visit in 2...11 {
                let response = try await api.request("/api/session", headers: ["Cookie: session=\(cookie)"])
                #expect(try response.json()["visits"] as? Int == visit)
            }
            // Logging in (a name) renews the id; the old one is worth nothing after.
            let named = try await api.request(
                "/api/session", method: "POST", headers: ["Cookie: session=\(cookie)", "Content-Type: application/x-www-form-urlencoded"],
                body: Array("name=Ada".utf8))
            #expect(named.text == #"{"name":"Ada","visits":11}"#, "\(named)")
            let renewed = try #require(Self.sessionCookie(named))
            #expect(renewed != cookie)
            #expect(try await api.request("/api/session", headers: ["Cookie: session=\(cookie)"]).text == #"{"visits":1}"#)
            #expect(try await api.request("/api/session", headers: ["Cookie: session=\(renewed)"]).text == #"{"name":"Ada","visits":12}"#)
            // Typed input names the bad field.
            let empty = try await api.request(
                "/api/session", method: "POST", headers: ["Content-Type: application/x-www-form-urlencoded"], body: Array("name=".utf8))
            #expect(empty.status == 422)
            #expect(empty.text.contains(#""invalid-params":[{"name":"name","reason":"must be 1 to 100 characters"}]"#), "\(empty.text)")
            // Logging out forgets it.
            let out = try await api.request("/api/session", method: "DELETE", headers: ["Cookie: session=\(renewed)"])
            #expect(out.status == 204)
            #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
            #expect(try await api.request("/api/session", headers: ["Cookie: session=\(renewed)"]).text == #"{"visits":1}"#)
            // A forged cookie is a new visitor.
            #expect(try await api.request("/api/session", headers: ["Cookie: session=forged.AAAA"]).text == #"{"visits":1}"#)
        }
    }

    @Test func withoutASecretSessionsAreOffAndTheOperatorToldWhy() async throws {
        try await withExampleAPI(environment: ["SESSION_SECRET": "short"]) { api in
            let response = try await api.request("/api/session")
            #expect(response.status == 500)
            #expect(api.appLog.contains("SESSION_SECRET is not set"))
        }
    }
}
