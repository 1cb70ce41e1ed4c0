import Foundation
import RouteHandlersTestHarness
import Testing

/// The example's `app/route-handlers.json`: a permanent redirect, a temporary one with a parameter, a rewrite of
/// `/api/v1/:path*` onto the routes and a header on it. nginx answers the redirects and picks the rewritten path's
/// location; straight to the socket (no nginx), the app answers the same.
@Suite("Example API: site config", .timeLimit(.minutes(3)))
struct ExampleSiteConfigTests {
    typealias Send = @Sendable (_ target: String) async throws -> ReceivedResponse

    static func expectRules(_ send: Send) async throws {
        let moved = try await send("/api/old-hello?name=Ada")
        #expect(moved.status == 308)
        #expect(moved.header("Location") == "/api/hello?name=Ada")
        let person = try await send("/api/people/42")
        #expect(person.status == 307)
        #expect(person.header("Location") == "/api/users/42")

        let hello = try await send("/api/hello")
        let rewritten = try await send("/api/v1/hello")
        #expect(rewritten.status == 200)
        #expect(rewritten.text == hello.text)
        #expect(rewritten.header("X-API-Version") == "1")
        #expect(hello.header("X-API-Version") == nil)
        // A dynamic route through the rewrite: the users route's own 404 for an id it does not have.
        let user = try await send("/api/v1/users/999999")
        #expect(user.status == 404)
        #expect(user.header("Content-Type") == "application/problem+json")
        #expect(user.header("X-API-Version") == "1")
    }

    @Test func redirectsRewritesAndHeadersThroughNginx() async throws {
        try await withExampleAPI { api in
            try await Self.expectRules { try await api.request($0) }
            // nginx answered the redirect itself: the app never saw it.
            let log = (try? String(contentsOfFile: api.nginx.prefix + "/access.log", encoding: .utf8)) ?? ""
            #expect(log.contains("/api/old-hello?name=Ada"))
        }
    }

    @Test func theAppAnswersTheSameWithoutNginx() async throws {
        try await withExampleAPI { api in
            let socket = api.socket
            try await Self.expectRules { target in
                try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", target))
            }
        }
    }
}
