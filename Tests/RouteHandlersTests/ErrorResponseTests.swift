import Foundation
import HTTPTypes
import RouteHandlers
import RouteHandlersTesting
import Testing

@Suite struct ErrorResponseTests {
    struct Boom: Error, CustomStringConvertible {
        var description: String { "secret database password in here" }
    }

    func router() -> Router {
        var router = Router()
        router.get("/teapot") { _, _ in
            throw HTTPError(.init(code: 418, reasonPhrase: "I'm a teapot"), "No coffee.", headers: ["Retry-After": "60"])
        }
        router.get("/deep") { request, _ in
            func validate(_ value: String?) throws -> String {
                guard let value else { throw HTTPError(.badRequest, "Query parameter \"q\" is required.") }
                return value
            }
            return .text(try validate(request.url.searchParams.get("q")))
        }
        router.get("/boom") { _, _ in throw Boom() }
        router.post("/form") { request, _ in .json(["a": try await request.formData().string("a") ?? ""]) }
        return router
    }

    @Test func httpErrorThrownAnywhereIsAProblemDocument() async throws {
        try await router().test { client in
            let response = try await client.get("/teapot")
            #expect(response.status.code == 418)
            #expect(response.headers.get("Content-Type") == "application/problem+json")
            #expect(response.headers.get("Retry-After") == "60")
            #expect(response.text == #"{"detail":"No coffee.","status":418,"title":"I'm a teapot","type":"about:blank"}"#)
            let nested = try await client.get("/deep")
            #expect(nested.status == .badRequest)
            #expect(nested.text.contains(#"Query parameter \"q\" is required."#))
        }
    }

    @Test func unexpectedErrorsAre500WithARequestIDAndNoDetails() async throws {
        try await router().test { client in
            let response = try await client.get("/boom")
            #expect(response.status == .internalServerError)
            let problem = try response.json(JSONValue.self)
            #expect(problem["detail"] == "An unexpected error occurred.")
            #expect(problem["status"] == 500)
            #expect(problem["requestId"]?.stringValue?.isEmpty == false)
            #expect(!response.text.contains("secret"))
        }
    }

    @Test func developmentModeShowsTheDetails() async throws {
        try await router().test(configuration: .init(exposeErrorDetails: true)) { client in
            let response = try await client.get("/boom")
            #expect(response.status == .internalServerError)
            #expect(response.text.contains("secret database password"))
            #expect(response.text.contains("requestId"))
        }
    }

    @Test func wrongMethodIs405WithAllowAndBadInputIsNeverACrash() async throws {
        try await router().test { client in
            let wrong = try await client.execute(.delete, "/teapot")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers.get("Allow") == "GET, HEAD, OPTIONS")
            let options = try await client.execute(.options, "/form")
            #expect(options.headers.get("Allow") == "OPTIONS, POST")
            let noBoundary = try await client.post("/form", headers: ["Content-Type": "multipart/form-data"], body: "--x--")
            #expect(noBoundary.status == .badRequest)
            #expect(noBoundary.headers.get("Content-Type") == "application/problem+json")
            let wrongType = try await client.post("/form", headers: ["Content-Type": "text/csv"], body: "a,b")
            #expect(wrongType.status == .unsupportedMediaType)
        }
    }
}

@Suite struct ConfigurationEnvironmentTests {
    @Test func developmentModeAndTrustedProxiesFromTheEnvironment() throws {
        let base = RouteResponder.Configuration(basePath: "/app")
        let unchanged = try base.applying(environment: [:])
        #expect(!unchanged.exposeErrorDetails)
        #expect(unchanged.trustedProxies == .none)
        #expect(unchanged.basePath == "/app")

        let dev = try base.applying(environment: ["ROUTE_HANDLERS_DEV": "1", "ROUTE_HANDLERS_TRUSTED_PROXIES": "10.0.0.0/8, loopback"])
        #expect(dev.exposeErrorDetails)
        #expect(dev.trustedProxies.trusts("10.1.2.3") && dev.trustedProxies.trusts("::1"))
        #expect(dev.trustedProxies.header == .xForwardedFor)
        #expect(
            try !RouteResponder.Configuration(exposeErrorDetails: true).applying(environment: ["ROUTE_HANDLERS_DEV": "0"])
                .exposeErrorDetails)
        let forwarded = try base.applying(environment: [
            "ROUTE_HANDLERS_TRUSTED_PROXIES": "unix", "ROUTE_HANDLERS_FORWARDED_HEADER": "Forwarded",
        ])
        #expect(forwarded.trustedProxies.header == .forwarded)
        #expect(throws: TrustedProxies.InvalidEntry.self) {
            try base.applying(environment: ["ROUTE_HANDLERS_TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"])
        }
    }
}
