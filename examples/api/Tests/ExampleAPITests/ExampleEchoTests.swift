import Foundation
import Testing

/// /api/echo/[[...path]] of the example: any method, answered with what the server saw, through nginx.
@Suite("Example API: echo", .timeLimit(.minutes(2)))
struct ExampleEchoTests {
    @Test func echoesMethodPathParamsSearchHeadersCookiesIPAndBody() async throws {
        try await withExampleAPI { api in
            let response = try await api.request(
                "/api/echo/a/b%20c?x=1&y=two+words&x=3&empty=", method: "PUT",
                headers: ["Content-Type: text/plain", "X-First: 1", "X-Repeated: a", "X-Repeated: b", "Cookie: session=abc; theme=dark"],
                body: Array("hello body".utf8))
            #expect(response.status == 200, "\(response)")
            let echo = try response.json()
            #expect(echo["method"] as? String == "PUT")
            #expect(echo["pathname"] as? String == "/api/echo/a/b%20c")
            #expect((echo["params"] as? [String: Any])?["path"] as? [String] == ["a", "b c"])
            #expect(echo["search"] as? [[String]] == [["x", "1"], ["y", "two words"], ["x", "3"], ["empty", ""]])
            let headers = echo["headers"] as? [[String]] ?? []
            let names = headers.map { $0.first?.lowercased() ?? "" }
            #expect(headers.contains(["X-First", "1"]) || headers.contains(["x-first", "1"]), "\(headers)")
            let repeated = headers.filter { $0.first?.lowercased() == "x-repeated" }.map { $0.last ?? "" }
            #expect(repeated == ["a", "b"] || repeated == ["a, b"], "\(headers)")
            #expect(names.firstIndex(of: "x-first").map { first in names.firstIndex(of: "x-repeated").map { first < $0 } ?? false } == true)
            #expect(names.contains("host"))
            #expect(names.filter { $0 == "content-type" }.count == 1, "\(headers)")
            #expect(echo["cookies"] as? [String: String] == ["session": "abc", "theme": "dark"])
            #expect(echo["ip"] as? String == "127.0.0.1")
            #expect(echo["text"] as? String == "hello body")
            #expect(echo["form"] == nil)
        }
    }

    @Test func answersEveryMethodOnTheBarePath() async throws {
        try await withExampleAPI { api in
            for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
                let response = try await api.request("/api/echo", method: method)
                #expect(response.status == 200, "\(method): \(response)")
                let echo = try response.json()
                #expect(echo["method"] as? String == method)
                #expect(echo["pathname"] as? String == "/api/echo")
                #expect((echo["params"] as? [String: Any])?.isEmpty == true, "\(method): \(response.text)")
                #expect(echo["search"] as? [[String]] == [])
                #expect(echo["cookies"] as? [String: String] == [:])
                #expect(echo["text"] as? String == "")
            }
            let head = try await api.request("/api/echo/x", method: "HEAD")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.header("Content-Type") == "application/json")
        }
    }

    @Test func aUrlencodedFormIsEchoedAsPairs() async throws {
        try await withExampleAPI { api in
            let response = try await api.request(
                "/api/echo/form", method: "POST", headers: ["Content-Type: application/x-www-form-urlencoded"],
                body: Array("name=Ada+L&tag=a&tag=b%26c&empty=".utf8))
            let echo = try response.json()
            #expect(echo["form"] as? [[String]] == [["name", "Ada L"], ["tag", "a"], ["tag", "b&c"], ["empty", ""]])
            #expect(echo["text"] as? String == "name=Ada+L&tag=a&tag=b%26c&empty=")
        }
    }
}
