import Foundation
import RouteHandlersTestHarness
import Testing

/// app/middleware.swift and app/api/public/middleware.swift of the example, through nginx.
@Suite("Example API: middleware and cache", .timeLimit(.minutes(2)))
struct ExampleMiddlewareTests {
    /// nginx's `$request_id`: 32 hex digits.
    static func isNginxRequestID(_ value: String?) -> Bool {
        guard let value else { return false }
        return value.count == 32 && value.allSatisfy(\.isHexDigit)
    }

    @Test func everyResponseCarriesNginxsRequestID() async throws {
        try await withExampleAPI { api in
            let cases: [(String, String, Int)] = [
                ("GET", "/api/hello", 200), ("GET", "/api/nowhere", 404), ("DELETE", "/api/hello", 405),
                ("GET", "/api/hello/", 308), ("OPTIONS", "/api/hello", 204), ("POST", "/api/users", 400),
                ("GET", "/api/users/0", 404), ("GET", "/api/public/x", 200),
            ]
            var seen: Set<String> = []
            for (method, path, status) in cases {
                let response = try await api.request(path, method: method, body: method == "POST" ? Array("{".utf8) : nil)
                #expect(response.status == status, "\(method) \(path): \(response)")
                let id = response.header("X-Request-Id")
                #expect(Self.isNginxRequestID(id), "\(method) \(path): \(id ?? "none")")
                seen.insert(id ?? "")
            }
            #expect(seen.count == cases.count, "one id per request")
        }
    }

    @Test func aFailingHandlersRequestIDIsTheOneInItsProblemBody() async throws {
        try await withExampleAPI(environment: ["ADMIN_TOKEN": ""]) { api in
            let response = try await api.request("/api/admin/stats", headers: ["Authorization: Bearer x"])
            #expect(response.status == 500)
            #expect(Self.isNginxRequestID(response.header("X-Request-Id")))
        }
    }

    @Test func repeatedPublicGetsAreServedFromNginxsCache() async throws {
        try await withExampleAPI { api in
            let first = try await api.request("/api/public/cached/one", headers: ["Origin: https://example.org"])
            #expect(first.status == 200)
            #expect(first.text == #"{"path":["cached","one"]}"#)
            #expect(first.header("Cache-Control") == "public, s-maxage=60, stale-while-revalidate=31535940")
            #expect(first.header("X-Cache-Status") == "MISS")
            let second = try await api.request("/api/public/cached/one", headers: ["Origin: https://example.org"])
            #expect(second.header("X-Cache-Status") == "HIT", "\(second)")
            #expect(second.text == first.text)
            #expect(second.header("Access-Control-Allow-Origin") == "*")
            // A cached answer still carries this request's own id.
            #expect(Self.isNginxRequestID(second.header("X-Request-Id")))
            #expect(second.header("X-Request-Id") != first.header("X-Request-Id"))
            // Other paths are other cache entries; preflights are never cached.
            #expect(try await api.request("/api/public/cached/two").header("X-Cache-Status") == "MISS")
            let preflight = try await api.request(
                "/api/public/cached/one", method: "OPTIONS",
                headers: ["Origin: https://example.org", "Access-Control-Request-Method: GET"])
            #expect(preflight.status == 204)
            #expect(preflight.header("X-Cache-Status") != "HIT")
        }
    }

    @Test func slowAnswersAfterWaitingAnd504PastItsMaxDuration() async throws {
        try await withExampleAPI { api in
            let quick = try await api.request("/api/slow?ms=50")
            #expect(quick.status == 200)
            #expect(quick.text == #"{"waitedMs":50}"#)
            #expect(try await api.request("/api/slow?ms=abc").status == 400)

            let start = Date()
            let slow = try await api.request("/api/slow?ms=5000")
            let elapsed = Date().timeIntervalSince(start)
            #expect(slow.status == 504, "\(slow)")
            #expect(slow.header("Content-Type") == "application/problem+json")
            #expect((try? slow.json())?["status"] as? Int == 504)
            // Not before the route's maxDuration; a 504 at all means it came before the 5 s sleep ended.
            #expect(elapsed > 1.5, "answered after \(elapsed) s")
            #expect(Self.isNginxRequestID(slow.header("X-Request-Id")))
            #expect(api.appLog.contains("maxDuration"))
        }
    }

    @Test func theCheckedInRouteIncludeIsWhatTheRouteTableGenerates() async throws {
        let generator = productsDirectory + "/route-tree-gen-tool"
        guard FileManager.default.isExecutableFile(atPath: generator) else { return }
        let directory = try TemporaryDirectory()
        let written = directory.file("nginx-routes.conf")
        let output = try await offload {
            try runCommandBlocking(generator, ["nginx", repositoryRoot + "/examples/api/app", "-o", written])
        }
        #expect(output.status == 0, "\(output.error)")
        // The server-level include and, beside it, the http-level one with the rate limits' zones.
        for name in ["nginx-routes.conf", "nginx-routes-http.conf"] {
            let checkedIn = try String(contentsOfFile: repositoryRoot + "/examples/api/" + name, encoding: .utf8)
            let generated = try String(contentsOfFile: directory.file(name), encoding: .utf8)
            #expect(generated == checkedIn, "run: route-tree-gen nginx examples/api/app -o examples/api/nginx-routes.conf")
        }
    }
}
