import HTTPTypes
import RouteHandlers
import RouteHandlersTesting
import Testing

/// Basic and Bearer credentials, an authenticator storing the user, and RequireUser's 401.
@Suite struct AuthenticationTests {
    struct Account: Sendable, Equatable {
        var name: String
    }

    struct TokenAuthenticator: Authenticator {
        func authenticate(_ request: Request, context: Context) async throws -> Account? {
            if let bearer = request.bearerAuthorization, bearer.token == "t0ken" { return Account(name: "ada") }
            if let basic = request.basicAuthorization, basic.username == "alan", basic.password == "pass:word" {
                return Account(name: "alan")
            }
            return nil
        }
    }

    @Test func credentialsParseAsRFC6750And7617Say() {
        #expect(BearerAuthorization("Bearer abc.def")?.token == "abc.def")
        #expect(BearerAuthorization("bearer   abc ")?.token == "abc")
        #expect(BearerAuthorization("Bearer") == nil)
        #expect(BearerAuthorization("Bearerabc") == nil)
        #expect(BearerAuthorization("Basic abc") == nil)
        // RFC 7617's own example.
        #expect(
            BasicAuthorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==") == BasicAuthorization(username: "Aladdin", password: "open sesame"))
        #expect(BasicAuthorization("BASIC YTpiOmM") == BasicAuthorization(username: "a", password: "b:c"))
        #expect(BasicAuthorization("Basic bm9jb2xvbg==") == nil)  // "nocolon"
        #expect(BasicAuthorization("Basic !!!") == nil)
        #expect(BasicAuthorization("Basic QQ=x") == nil)
    }

    @Test func anAuthenticatorStoresTheUserAndRequireUserRefusesTheRest() async throws {
        var router = Router()
        router.use(TokenAuthenticator())
        router.use("/account", RequireUser(Account.self))
        router.get("/account") { _, context in .text(try context.user(Account.self).name) }
        router.get("/hello") { _, context in .text(context.locals[Account.self]?.name ?? "anonymous") }
        try await router.test { (client: TestClient) throws in
            #expect(try await client.get("/account", headers: ["Authorization": "Bearer t0ken"]).text == "ada")
            #expect(try await client.get("/account", headers: ["Authorization": "Basic YWxhbjpwYXNzOndvcmQ="]).text == "alan")
            let refused = try await client.get("/account", headers: ["Authorization": "Bearer wrong"])
            #expect(refused.status == .unauthorized)
            #expect(refused.headers.get("WWW-Authenticate") == "Bearer")
            #expect(refused.headers.get("Content-Type") == "application/problem+json")
            #expect(try await client.get("/hello").text == "anonymous")
            #expect(try await client.get("/hello", headers: ["Authorization": "Bearer t0ken"]).text == "ada")
        }
    }
}
