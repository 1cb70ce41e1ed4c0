@_spi(Internal) import RouteHandlers
import RouteHandlersTesting
import Testing

/// Serves this target's `app/` directory, compiled by RouteTreePlugin, through the in-process client.
@Suite struct FileRoutingTests {
    static func client() throws -> TestClient {
        TestClient(responder: try Router.app().responder())
    }

    @Test func staticRoutesAndRoot() async throws {
        let client = try Self.client()
        #expect(try await client.get("/").text == "root")
        #expect(try await client.get("/api/users/me").json() == ["user": "me"])
    }

    @Test func typedParameters() async throws {
        let client = try Self.client()
        #expect(try await client.get("/api/users/42").json() == ["id": "42"])
        #expect(try await client.get("/api/users/a%20b").json() == ["id": "a b"])
        #expect(try await client.get("/api/users/7/posts/9").json() == ["user": "7", "post": "9"])
    }

    @Test func handlersWithTheRequestAndAsyncThrowing() async throws {
        let client = try Self.client()
        let created = try await client.post("/api/users", body: RequestBody(#"{"name":"alan"}"#))
        #expect(created.status == .created)
        #expect(try created.json() == ["name": "alan"])
        let list: [[String: String]] = try await client.get("/api/users").json()
        #expect(list == [["name": "ada"], ["name": "grace"]])
        #expect(try await client.execute(.delete, "/api/users/1").status == .noContent)
        #expect(try await client.execute(.delete, "/api/users/0").status == .notFound)
    }

    @Test func catchAllsSplitBeforeDecoding() async throws {
        let client = try Self.client()
        #expect(try await client.get("/docs/a/b%2Fc/d").json() == ["a", "b/c", "d"])
        #expect(try await client.get("/docs").status == .notFound)
        #expect(try await client.get("/shop").json() == ["path": "none"])
        #expect(try await client.get("/shop/x/y").json() == ["path": "x,y"])
    }

    @Test func backtracksWhenASpecificBranchDeadEnds() async throws {
        let client = try Self.client()
        #expect(try await client.get("/files/a/raw").json() == ["raw": "a"])
        #expect(try await client.get("/files/a/b").json() == ["path": "a/b"])
        #expect(try await client.get("/files/a").json() == ["path": "a"])
    }

    @Test func groupsPrivateFoldersAndEscapedUnderscore() async throws {
        let client = try Self.client()
        #expect(try await client.get("/about").text == "about")
        #expect(try await client.get("/(marketing)/about").status == .notFound)
        #expect(try await client.get("/_private/secret").status == .notFound)
        #expect(try await client.get("/secret").status == .notFound)
        #expect(try await client.get("/_underscore").text == "underscore")
    }

    @Test func methodNotAllowedHeadAndOptions() async throws {
        let client = try Self.client()
        let denied = try await client.execute(.put, "/api/users/1")
        #expect(denied.status == .methodNotAllowed)
        #expect(denied.headers.get("Allow") == "DELETE, GET, HEAD, OPTIONS")
        #expect(denied.headers.get("Content-Type") == "application/problem+json")

        let head = try await client.execute(.head, "/api/users/1")
        #expect(head.status == .ok)
        #expect(head.body.isEmpty)
        #expect(head.headers.get("Content-Type") == "application/json")
        #expect(head.headers.get("Content-Length") == String(#"{"id":"1"}"#.utf8.count))

        let options = try await client.execute(.options, "/api/users")
        #expect(options.status == .noContent)
        #expect(options.headers.get("Allow") == "GET, HEAD, OPTIONS, POST")
    }

    @Test func handlersBesideHelpersCommentsAndStrings() async throws {
        let client = try Self.client()
        let response = try await client.get("/api/misc?q=hi")
        #expect(response.text == "HI!|func POST() is not a handler: it is in a string|func PUT() \"quoted\" \\(not interpolated)")
        #expect(try await client.execute(.post, "/api/misc").headers.get("Allow") == "GET, HEAD, OPTIONS")
        #expect(try await client.execute(.head, "/api/misc").headers.get("X-Head") == "explicit")
        #expect(try await client.execute(.options, "/api/misc").headers.get("X-Options") == "custom")
    }

    @Test func pages() async throws {
        let client = try Self.client()
        let page = try await client.get("/api/docs")
        #expect(page.status == .ok)
        #expect(page.headers.get("Content-Type") == "text/html; charset=utf-8")
        #expect(page.text == "<!doctype html>\n<title>API docs</title>\n<h1>API \"docs\"</h1>\n")
        let head = try await client.execute(.head, "/api/docs")
        #expect(head.status == .ok)
        #expect(head.body.isEmpty)
        #expect(try await client.post("/api/docs").status == .methodNotAllowed)
    }

    @Test func malformedEscapeAndTrailingSlash() async throws {
        let client = try Self.client()
        #expect(try await client.get("/api/users/%zz").status == .badRequest)
        let redirect = try await client.get("/api/users/")
        #expect(redirect.status == .permanentRedirect)
        #expect(redirect.headers.get("Location") == "/api/users")
    }

    @Test func routeTableNamesTheSourceFiles() throws {
        let responder = try Router.app().responder()
        let sources = responder.tree.routes.map(\.source).sorted()
        #expect(sources.contains("app/api/users/[id]/route.swift"))
        #expect(sources.contains("app/api/docs/page.html"))
        #expect(!sources.contains { $0.contains("_private") })
    }
}
