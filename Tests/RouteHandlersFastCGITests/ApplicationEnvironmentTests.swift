import Foundation
import RouteHandlersTestHarness
import Testing

/// Responder settings an operator gives through the environment reach the router (`Application` applies
/// `RouteResponder.Configuration.applying(environment:)`).
@Suite("Application environment settings", .timeLimit(.minutes(1)))
struct ApplicationEnvironmentTests {
    let exampleAPI = CGIScript.fixture

    private func echoedIP(extra: [String: String]) async throws -> String? {
        var environment = CGIScript.environment(
            "GET", "/api/request", scriptName: "", scriptFilename: exampleAPI,
            headers: ["HTTP_X_FORWARDED_FOR": "203.0.113.9", "REMOTE_ADDR": "10.1.2.3"])
        for (name, value) in extra { environment[name] = value }
        let result = try await CGIScript.run(exampleAPI, environment: environment)
        #expect(result.response.status == 200, "\(result.response) \(result.error)")
        return try result.response.json()["ip"] as? String
    }

    @Test func forwardedAddressIsBelievedOnlyFromConfiguredTrustedProxies() async throws {
        #expect(try await echoedIP(extra: [:]) == "10.1.2.3")
        #expect(try await echoedIP(extra: ["ROUTE_HANDLERS_TRUSTED_PROXIES": "10.0.0.0/8"]) == "203.0.113.9")
        #expect(try await echoedIP(extra: ["ROUTE_HANDLERS_TRUSTED_PROXIES": "192.0.2.1"]) == "10.1.2.3")
    }
}
