import Foundation
import RouteHandlersTestHarness
import Testing

/// TFB's json and plaintext tests, and the headers every answer carries.
@Suite struct SerializationTests {
    @Test func jsonIsTheHelloWorldObject() async throws {
        try await withTechEmpower { server in
            let response = try await server.request("/json")
            expectTFBHeaders(response, contentType: "application/json")
            #expect(response.text == #"{"message":"Hello, World!"}"#)
        }
    }

    @Test func plaintextIsHelloWorld() async throws {
        try await withTechEmpower { server in
            let response = try await server.request("/plaintext")
            expectTFBHeaders(response, contentType: "text/plain; charset=utf-8")
            #expect(response.text == "Hello, World!")
        }
    }

    /// TFB asks twice, 3 s apart, and fails an answer whose Date did not change: nginx makes it, anew each second.
    @Test func dateChangesFromOneSecondToTheNext() async throws {
        try await withTechEmpower { server in
            let first = try #require(try await server.request("/json").header("Date"))
            try await Task.sleep(for: .milliseconds(1100))
            let second = try #require(try await server.request("/plaintext").header("Date"))
            #expect(first != second)
            #expect(isIMFFixdate(first) && isIMFFixdate(second))
        }
    }

    /// Every route's answer has TFB's headers, the database routes' included.
    @Test func everyRouteHasTheRequiredHeaders() async throws {
        try await withTechEmpower { server in
            let routes = [
                ("/json", "application/json"), ("/plaintext", "text/plain; charset=utf-8"), ("/db", "application/json"),
                ("/queries?queries=5", "application/json"), ("/fortunes", "text/html; charset=utf-8"),
                ("/updates?queries=5", "application/json"), ("/cached-queries?count=5", "application/json"),
            ]
            for (path, contentType) in routes {
                expectTFBHeaders(try await server.request(path), contentType: contentType)
            }
        }
    }

    /// Even an answer no route made names the server once.
    @Test func unknownRouteStillNamesTheServer() async throws {
        try await withTechEmpower { server in
            let response = try await server.request("/nothing-here")
            #expect(response.status == 404)
            #expect(response.headers(named: "Server") == ["route-handlers"])
        }
    }
}
