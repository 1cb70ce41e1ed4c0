import Testing

/// /api/public/[...path] of the example: a read-only API with CORS, through nginx.
@Suite("Example API: public CORS API", .timeLimit(.minutes(2)))
struct ExamplePublicAPITests {
    @Test func getAnswersThePathSegmentsToAnyOrigin() async throws {
        try await withExampleAPI { api in
            let response = try await api.request("/api/public/v1/items/42", headers: ["Origin: https://example.org"])
            #expect(response.status == 200)
            #expect(response.text == #"{"path":["v1","items","42"]}"#)
            #expect(response.header("Access-Control-Allow-Origin") == "*")
            let one = try await api.request("/api/public/a%20b")
            #expect(one.text == #"{"path":["a b"]}"#)
            #expect(one.header("Access-Control-Allow-Origin") == "*")
            // [...path] needs at least one segment.
            #expect(try await api.request("/api/public").status == 404)
        }
    }

    @Test func preflightAnswersOriginMethodsAndHeaders() async throws {
        try await withExampleAPI { api in
            let response = try await api.request(
                "/api/public/v1/items", method: "OPTIONS",
                headers: [
                    "Origin: https://example.org", "Access-Control-Request-Method: GET",
                    "Access-Control-Request-Headers: content-type, x-api-key",
                ])
            #expect(response.status == 204, "\(response)")
            #expect(response.header("Access-Control-Allow-Origin") == "*")
            #expect(response.header("Access-Control-Allow-Methods") == "GET, OPTIONS")
            #expect(response.header("Access-Control-Allow-Headers") == "content-type, x-api-key")
            #expect(response.header("Access-Control-Max-Age") == "7200")
            #expect(response.header("Vary")?.contains("Access-Control-Request-Headers") == true)
            #expect(response.body.isEmpty)

            let plain = try await api.request("/api/public/x", method: "OPTIONS", headers: ["Origin: https://example.org"])
            #expect(plain.status == 204)
            #expect(plain.header("Access-Control-Allow-Headers") == "Content-Type")
        }
    }

    @Test func itIsReadOnly() async throws {
        try await withExampleAPI { api in
            for method in ["POST", "PUT", "PATCH", "DELETE"] {
                let response = try await api.request("/api/public/x", method: method, body: Array("{}".utf8))
                #expect(response.status == 405, "\(method)")
                #expect(response.header("Allow")?.contains("GET") == true)
            }
        }
    }
}
