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

    @Test func dynamicSegmentBesideAnOptionalCatchAllIsTriedFirst() async throws {
        // Next.js's p3 vector: /p3/[id], /p3/[id]/abc and /p3/[[...rest]] side by side.
        let client = try Self.client()
        #expect(try await client.get("/p3/7").json() == ["id": "7"])
        #expect(try await client.get("/p3/7/abc").json() == ["abc": "7"])
        #expect(try await client.get("/p3/7/x").json() == ["rest": "7,x"])
        #expect(try await client.get("/p3").json() == ["rest": "none"])
    }

    @Test func parameterNamesThatAreNotSwiftIdentifiers() async throws {
        let client = try Self.client()
        #expect(try await client.get("/api/accounts/a-1").json() == ["account": "a-1"])
        #expect(try await client.get("/api/accounts/a-1/files").json() == ["account": "a-1", "path": "none"])
        #expect(try await client.get("/api/accounts/a%201/files/x/y%2Fz").json() == ["account": "a 1", "path": "x/y/z"])
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
        // Escapes that decode to bytes which are not UTF-8 are refused as well, not served as U+FFFD.
        let invalid = try await client.get("/api/users/%A0")
        #expect(invalid.status == .badRequest)
        #expect(invalid.headers.get("Content-Type") == "application/problem+json")
        #expect(try await client.get("/api/users/%C3").status == .badRequest)
        #expect(try await client.get("/nowhere/%ED%A0%80").status == .badRequest)
        #expect(try await client.get("/api/users/%C3%A9").json() == ["id": "é"])
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
