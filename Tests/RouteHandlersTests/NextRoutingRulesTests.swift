@_spi(Internal) @testable import RouteHandlers
import RouteHandlersTesting
import Testing

/// Next.js's routing rules (vectors from its `getSortedRoutes` tests), for routes built in code: what is accepted,
/// how it ranks, and what is refused with which message.
@Suite struct NextRoutingRulesTests {
    func tree(_ patterns: [String]) throws -> RouteTree<String> {
        var builder = RouteTreeBuilder<String>()
        for pattern in patterns { try builder.insert(RoutePattern(pattern), pattern) }
        return builder.freeze()
    }

    func route(_ tree: RouteTree<String>, _ path: String) throws -> String? {
        try tree.resolve(pathname: path)?.route.value
    }

    /// The error building `patterns` fails with.
    func error(_ patterns: [String]) -> RouteError? {
        do throws(RouteError) {
            var builder = RouteTreeBuilder<String>()
            for pattern in patterns { try builder.insert(RoutePattern(pattern), pattern) }
            return nil
        } catch {
            return error
        }
    }

    @Test func nextsSortedRoutesVectorIsAcceptedAndRanksAlike() throws {
        let tree = try tree([
            "/posts", "/[root-slug]", "/", "/posts/[id]", "/blog/[id]/comments/[cid]", "/blog/abc/[id]", "/[...rest]",
            "/blog/abc/post", "/blog/abc", "/p1/[[...incl]]", "/p/[...rest]", "/p2/[...rest]", "/p2/[id]", "/p2/[id]/abc",
            "/p3/[[...rest]]", "/p3/[id]", "/p3/[id]/abc", "/blog/[id]", "/foo/[d]/bar/baz/[f]", "/apples/[ab]/[cd]/ef",
        ])
        #expect(try route(tree, "/") == "/")
        #expect(try route(tree, "/blog/abc") == "/blog/abc")
        #expect(try route(tree, "/blog/abc/post") == "/blog/abc/post")
        #expect(try route(tree, "/blog/abc/x") == "/blog/abc/[id]")
        #expect(try route(tree, "/blog/x") == "/blog/[id]")
        #expect(try route(tree, "/blog/x/comments/y") == "/blog/[id]/comments/[cid]")
        #expect(try route(tree, "/p2/x") == "/p2/[id]")
        #expect(try route(tree, "/p2/x/abc") == "/p2/[id]/abc")
        #expect(try route(tree, "/p2/x/y") == "/p2/[...rest]")
        #expect(try route(tree, "/p3") == "/p3/[[...rest]]")
        #expect(try route(tree, "/p3/x") == "/p3/[id]")
        #expect(try route(tree, "/p3/x/abc") == "/p3/[id]/abc")
        #expect(try route(tree, "/p3/x/y") == "/p3/[[...rest]]")
        #expect(try route(tree, "/p1") == "/p1/[[...incl]]")
        #expect(try route(tree, "/posts") == "/posts")
        #expect(try route(tree, "/anything") == "/[root-slug]")
        #expect(try route(tree, "/anything/else") == "/[...rest]")
        let match = try tree.resolve(pathname: "/some-slug")
        #expect(match?.parameters.get("root-slug") == "some-slug")
    }

    @Test func nextsDynamicRoutingIntegrationVectors() async throws {
        // The page tree of Next.js's test/integration/dynamic-routing, as routes, and what its tests request.
        let tree = try tree([
            "/", "/another", "/[name]", "/[name]/comments", "/[name]/on-mount-redir", "/[name]/[comment]",
            "/[name]/[comment]/[...rest]", "/b/[123]", "/blog/[name]/comment/[id]",
            "/c/[alongparamnameshouldbeallowedeventhoughweird]", "/catchall-dash/[...hello-world]", "/d/[id]",
            "/dash/[hello-world]", "/index/[...slug]", "/on-mount/[post]", "/p1/p2/all-ssg/[...rest]",
            "/p1/p2/all-ssr/[...rest]", "/p1/p2/nested-all-ssg/[...rest]", "/p1/p2/predefined-ssg/[...rest]",
        ])
        #expect(try route(tree, "/") == "/")
        #expect(try route(tree, "/another") == "/another")
        #expect(try tree.resolve(pathname: "/post-1")?.parameters.get("name") == "post-1")
        #expect(try route(tree, "/api") == "/[name]")
        #expect(try route(tree, "/post-1/comments") == "/[name]/comments")
        #expect(try tree.resolve(pathname: "/post-1/comment-1")?.parameters.get("comment") == "comment-1")
        #expect(
            try tree.resolve(pathname: "/blog/321/comment/123")?.parameters.entries
                == [.init(name: "name", value: .segment("321")), .init(name: "id", value: .segment("123"))])
        #expect(try tree.resolve(pathname: "/b/42")?.parameters.get("123") == "42")
        #expect(try tree.resolve(pathname: "/c/x")?.parameters.get("alongparamnameshouldbeallowedeventhoughweird") == "x")
        #expect(try tree.resolve(pathname: "/catchall-dash/a/b")?.parameters.segments("hello-world") == ["a", "b"])
        let long = String(repeating: "a9btBxtHQALZ6cxfuj18X6OLGNSkJVzrOXz41HG4", count: 8)
        #expect(try tree.resolve(pathname: "/dash/" + long)?.parameters.get("hello-world") == long)
        // A required catch-all needs a segment, so these fall back to /[name]/[comment]/[...rest] (whose page
        // answers notFound itself in Next's test: both 404 there); escaped slashes stay inside their segment.
        #expect(try route(tree, "/p1/p2/all-ssr") == "/[name]/[comment]/[...rest]")
        #expect(try route(tree, "/blog/543/comment") == "/[name]/[comment]/[...rest]")
        #expect(try route(tree, "/index") == "/[name]")
        #expect(try tree.resolve(pathname: "/p1/p2/all-ssr/test1")?.parameters.segments("rest") == ["test1"])
        #expect(try tree.resolve(pathname: "/p1/p2/all-ssr/test1/test2")?.parameters.segments("rest") == ["test1", "test2"])
        #expect(try tree.resolve(pathname: "/p1/p2/all-ssr/test1/%2Ftest2")?.parameters.segments("rest") == ["test1", "/test2"])
        #expect(try tree.resolve(pathname: "/p1/p2/all-ssr/test1%2F/test2")?.parameters.segments("rest") == ["test1/", "test2"])
        #expect(try tree.resolve(pathname: "/p1/p2/all-ssr/test1/te%2Fst2")?.parameters.segments("rest") == ["test1", "te/st2"])
        #expect(try tree.resolve(pathname: "/p1/p2/all-ssr/:42")?.parameters.segments("rest") == [":42"])
        // Decoded once: %2520 is a literal %20.
        #expect(try tree.resolve(pathname: "/hello%2520copy.txt")?.parameters.get("name") == "hello%20copy.txt")
        // "should respond with bad request with invalid encoding".
        await expectHTTPError(400) { _ = try tree.resolve(pathname: "/%") }
    }

    @Test func nextsAppRoutesVectors() throws {
        // The route handlers of Next.js's test/e2e/app-dir/app-routes, and the paths its tests request.
        let tree = try tree([
            "/basic/endpoint", "/basic/(grouped)/endpoint/nested", "/basic/[tenantID]/endpoint",
            "/basic/[tenantID]/[...resource]", "/api/hello.json", "/api/dynamic", "/static/[slug]/data.json",
            "/revalidate-1/[slug]/data.json", "/robots.txt", "/lowercase/get", "/status/405",
        ])
        #expect(try tree.resolve(pathname: "/basic/endpoint")?.parameters.isEmpty == true)
        #expect(
            try tree.resolve(pathname: "/basic/vercel/endpoint")?.parameters.entries == [.init(name: "tenantID", value: .segment("vercel"))]
        )
        #expect(
            try tree.resolve(pathname: "/basic/vercel/some/other/resource")?.parameters.entries == [
                .init(name: "tenantID", value: .segment("vercel")),
                .init(name: "resource", value: .segments(["some", "other", "resource"])),
            ])
        #expect(try route(tree, "/basic/endpoint/nested") == "/basic/(grouped)/endpoint/nested")
        #expect(try route(tree, "/basic/endpoint/other") == "/basic/[tenantID]/[...resource]")
        #expect(try route(tree, "/api/hello.json") == "/api/hello.json")
        #expect(try tree.resolve(pathname: "/static/first/data.json")?.parameters.get("slug") == "first")
        #expect(try route(tree, "/robots.txt") == "/robots.txt")
        #expect(try route(tree, "/static/first/data.txt") == nil)
    }

    @Test func dynamicSegmentBesideOptionalCatchAllWithTheSameName() throws {
        let tree = try tree(["/docs/[slug]", "/docs/[[...slug]]"])
        #expect(try tree.resolve(pathname: "/docs/a")?.parameters.entries == [.init(name: "slug", value: .segment("a"))])
        #expect(try tree.resolve(pathname: "/docs/a/b")?.parameters.entries == [.init(name: "slug", value: .segments(["a", "b"]))])
        #expect(try route(tree, "/docs") == "/docs/[[...slug]]")
        // Either order of insertion.
        #expect(try route(self.tree(["/docs/[[...slug]]", "/docs/[slug]"]), "/docs/a") == "/docs/[slug]")
    }

    @Test func refusedAsNextRefusesThem() {
        #expect(error(["/", "/blog", "/blog/[id]", "/blog/[id]/comments/[cid]", "/blog/[cid]"])?.code == .differentParameterNames)
        #expect(error(["/", "/blog", "/blog/[id]/comments/[id]", "/blog/[id]"])?.code == .repeatedParameterName)
        #expect(error(["/blog/[id]", "/blog/[id]/[...id]"])?.code == .repeatedParameterName)
        #expect(error(["/blog/[...id]/[...id2]"])?.code == .catchAllNotLast)
        #expect(error(["/blog/[...id]/abc"])?.code == .catchAllNotLast)
        #expect(error(["/[...one]", "/[[...one]]"])?.code == .catchAllAndOptionalCatchAll)
        #expect(error(["/[[...one]]", "/[...one]"])?.code == .catchAllAndOptionalCatchAll)
        #expect(error(["/", "/[[...all]]"])?.code == .optionalCatchAllShadowsRoute)
        #expect(error(["/[[...all]]", "/"])?.code == .optionalCatchAllShadowsRoute)
        #expect(error(["/sub", "/sub/[[...all]]"])?.code == .optionalCatchAllShadowsRoute)
        #expect(error(["/sub/[[...all]]", "/sub"])?.code == .optionalCatchAllShadowsRoute)
        let similar = error(["/blog/[helloworld]", "/blog/[helloworld]/[hello-world]"])
        #expect(similar?.code == .similarParameterNames)
        #expect(
            similar?.message
                == "You cannot have the slug names \"helloworld\" and \"hello-world\" differ only by non-word symbols within a single dynamic path."
        )
    }

    @Test func segmentNamesAsNextChecksThem() {
        func message(_ pattern: String) -> String? {
            do throws(RouteError) {
                _ = try RoutePattern(pattern)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(
            message("/blog/[....id]/abc")
                == "Invalid route segment \"[....id]\": segment names may not start with erroneous periods ('.id').")
        #expect(
            message("/blog/[..id]/abc") == "Invalid route segment \"[..id]\": segment names may not start with erroneous periods ('..id').")
        #expect(
            message("/blog/[[...id]")
                == "Invalid route segment \"[[...id]\": segment names may not start or end with extra brackets ('[...id').")
        #expect(
            message("/blog/[[[...id]]")
                == "Invalid route segment \"[[[...id]]\": segment names may not start or end with extra brackets ('[...id').")
        #expect(
            message("/blog/[...id]]")
                == "Invalid route segment \"[...id]]\": segment names may not start or end with extra brackets ('id]').")
        #expect(
            message("/blog/[[...id]]]")
                == "Invalid route segment \"[[...id]]]\": segment names may not start or end with extra brackets ('id]').")
        #expect(
            message("/blog/[[[...id]]]")
                == "Invalid route segment \"[[[...id]]]\": segment names may not start or end with extra brackets ('[...id]').")
        #expect(
            message("/[[blog]]")
                == "Invalid route segment \"[[blog]]\": optional route parameters are not supported; [[...blog]] matches zero or more segments."
        )
        #expect(message("/abc/[[blog]]/def") != nil)
        #expect(message("/[]") == "Invalid route segment \"[]\": the parameter has no name.")
        for accepted in [
            "/[user-id]", "/[root-slug]", "/[this-is_my-route]", "/[1x]", "/[é]", "/[a b]", "/x/[...file-path]", "/x/[[...rest-of-it]]",
        ] {
            #expect(message(accepted) == nil, "\(accepted)")
        }
    }

    @Test func programmaticRouterMatchesFileRoutes() async throws {
        var router = Router()
        router.get("/shop/[[...path]]") { _, context in
            .json(["segments": context.params.segments("path")?.joined(separator: ",") ?? "nil", "path": context.params.path ?? "nil"])
        }
        router.get("/docs/[slug]") { _, context in .json(["slug": context.params.slug ?? ""]) }
        router.get("/docs/[[...slug]]") { _, context in .json(["all": context.params.segments("slug")?.joined(separator: ",") ?? "nil"]) }
        router.get("/users/[user-id]") { _, context in
            .json(["user": context.params.`user-id` ?? "", "get": context.params.get("user-id") ?? ""])
        }
        let client = TestClient(responder: try router.responder())
        #expect(try await client.get("/shop").json() == ["segments": "nil", "path": "nil"])
        #expect(try await client.get("/shop/a/b").json() == ["segments": "a,b", "path": "a/b"])
        #expect(try await client.get("/docs/a").json() == ["slug": "a"])
        #expect(try await client.get("/docs/a/b").json() == ["all": "a,b"])
        #expect(try await client.get("/docs").json() == ["all": "nil"])
        #expect(try await client.get("/users/u-1").json() == ["user": "u-1", "get": "u-1"])
    }

    @Test func escapesThatAreNotUTF8AreABadRequest() async throws {
        let tree = try tree(["/posts/[id]", "/c/[...rest]", "/caf%C3%A9"])
        for path in [
            "/posts/%A0", "/posts/%C3", "/posts/%C3%28", "/posts/%E0%80%80", "/posts/%ED%A0%80", "/posts/%F4%90%80%80",
            "/posts/%C0%AF", "/c/a/%FF", "/c/%C3/%A9", "/nowhere/%A0", "/caf%C3",
        ] {
            let error = await expectHTTPError(400) { _ = try tree.resolve(pathname: path) }
            #expect(error?.message?.contains("not UTF-8") == true, "\(path): \(String(describing: error))")
            await expectHTTPError(400) { _ = try RequestPath.decodedSegments(path) }
        }
        let named = await expectHTTPError(400) { _ = try tree.resolve(pathname: "/posts/a%A0b/c") }
        #expect(named?.message == "The request path has percent escapes that are not UTF-8 in \"a%A0b\".")
        let malformed = await expectHTTPError(400) { _ = try tree.resolve(pathname: "/posts/%zz") }
        #expect(malformed?.message == "The request path has a malformed percent escape in \"%zz\".")
        #expect(try tree.resolve(pathname: "/posts/%C3%A9%F0%9F%98%80")?.parameters.get("id") == "é😀")
        #expect(try tree.resolve(pathname: "/c/%C3%A9/%E2%82%AC")?.parameters.segments("rest") == ["é", "€"])
        #expect(try route(tree, "/caf%C3%A9") == "/caf%C3%A9")
        #expect(try route(tree, "/café") == "/caf%C3%A9")
        // A pattern's own escapes must be UTF-8 too.
        #expect(throws: RouteError.self) { try RoutePattern("/caf%C3") }

        let client = TestClient(responder: try Router().responder())
        #expect(try await client.get("/posts/%A0").status == .badRequest)
    }
}
