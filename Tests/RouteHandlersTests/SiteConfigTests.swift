import Logging
import RouteHandlers
import RouteHandlersTesting
import Testing

/// Next.js's `redirects`, `rewrites`, `headers`, `basePath` and `trailingSlash`, in the responder; the path
/// vectors follow Next.js's documentation of path matching.
@Suite struct SiteConfigTests {
    @Test func pathMatchingAsNextDocumentsIt() throws {
        let slug = try SitePattern("/blog/:slug")
        #expect(slug.match("/blog/hello-world") == ["slug": ["hello-world"]])
        #expect(slug.match("/blog/a/b") == nil)
        #expect(slug.match("/blog") == nil)
        let wildcard = try SitePattern("/blog/:slug*")
        #expect(wildcard.match("/blog/a/b/c") == ["slug": ["a", "b", "c"]])
        #expect(wildcard.match("/blog") == ["slug": []])
        let plus = try SitePattern("/blog/:slug+")
        #expect(plus.match("/blog") == nil)
        #expect(plus.match("/blog/a/b") == ["slug": ["a", "b"]])
        let optional = try SitePattern("/docs/:version?/intro")
        #expect(optional.match("/docs/intro") == ["version": []])
        #expect(optional.match("/docs/v2/intro") == ["version": ["v2"]])
        #expect(try SitePattern("/about").match("/about/") == [:])
        #expect(try SitePattern("/").match("/") == [:])
        #expect(SitePattern.substitute("/news/:slug*", ["slug": ["a", "b"]]) == "/news/a/b")
        #expect(SitePattern.substitute("/news/:slug*", ["slug": []]) == "/news")
        #expect(SitePattern.substitute("https://example.com/:slug?x=:slug", ["slug": ["a"]]) == "https://example.com/a?x=a")
        #expect(SitePattern.parameterNames(in: "https://example.com:8443/:id") == ["id"])
        for bad in ["blog", "/blog/:id(\\d+)", "/a-:b", "/:a/:a", "/:1x"] {
            #expect(throws: SitePattern.Invalid.self, "\(bad)") { try SitePattern(bad) }
        }
    }

    static func router(_ site: SiteConfig) -> Router {
        var router = Router()
        router.site = site
        router.get("/blog/[slug]") { _, context in .text("post \(context.params.get("slug") ?? "")") }
        router.get("/blog/featured") { _, _ in .text("featured") }
        router.get("/about") { _, _ in .text("about") }
        return router
    }

    @Test func redirectsComeFirstAndPassTheQueryOn() async throws {
        let site = try SiteConfig(redirects: [
            .init(source: SitePattern("/old/:slug"), destination: "/blog/:slug", permanent: true),
            .init(source: SitePattern("/about"), destination: "https://example.com/about", permanent: false),
            .init(source: SitePattern("/moved"), destination: "/blog?from=moved", permanent: false, statusCode: 301),
        ])
        try await Self.router(site).test { (client: TestClient) throws in
            let old = try await client.get("/old/hello?ref=x")
            #expect(old.status == .permanentRedirect)
            #expect(old.headers.get("Location") == "/blog/hello?ref=x")
            // A redirect wins over a route at the same path.
            let about = try await client.get("/about")
            #expect(about.status == .temporaryRedirect)
            #expect(about.headers.get("Location") == "https://example.com/about")
            let moved = try await client.get("/moved?a=1")
            #expect(moved.status.code == 301)
            #expect(moved.headers.get("Location") == "/blog?from=moved&a=1")
        }
    }

    /// The rules of Next.js's own tests (`test/e2e/app-dir/rewrites-redirects`, the redirect of `/`), with what
    /// they answer there.
    @Test func nextsOwnTestRules() async throws {
        let site = try SiteConfig(
            redirects: [
                .init(source: SitePattern("/config-redirect-before"), destination: "/config-redirect-after", permanent: true),
                .init(
                    source: SitePattern("/config-redirect-catchall-before/:path*"), destination: "/config-redirect-catchall-after/:path*",
                    permanent: true),
                .init(source: SitePattern("/"), destination: "/blog", permanent: false),
            ],
            rewrites: [.init(source: SitePattern("/config-rewrite-before"), destination: "/about")])
        try await Self.router(site).test { (client: TestClient) throws in
            let plain = try await client.get("/config-redirect-before")
            #expect(plain.status == .permanentRedirect)
            #expect(plain.headers.get("Location") == "/config-redirect-after")
            let catchAll = try await client.get("/config-redirect-catchall-before/thing")
            #expect(catchAll.status == .permanentRedirect)
            #expect(catchAll.headers.get("Location") == "/config-redirect-catchall-after/thing")
            let bare = try await client.get("/config-redirect-catchall-before")
            #expect(bare.headers.get("Location") == "/config-redirect-catchall-after")
            let root = try await client.get("/")
            #expect(root.status == .temporaryRedirect)
            #expect(root.headers.get("Location") == "/blog")
            #expect(try await client.get("/config-rewrite-before").text == "about")
        }
    }

    @Test func rewritesComeAfterTheLiteralRoutesAndBeforeTheDynamicOnes() async throws {
        let site = try SiteConfig(rewrites: [
            .init(source: SitePattern("/blog/:slug"), destination: "/about"),
            .init(source: SitePattern("/news/:path*"), destination: "/blog/:path*?source=news"),
        ])
        try await Self.router(site).test { (client: TestClient) throws in
            #expect(try await client.get("/blog/featured").text == "featured")
            #expect(try await client.get("/blog/anything").text == "about")
            #expect(try await client.get("/news/hello").text == "post hello")
            #expect(try await client.get("/news/a/b").status == .notFound)
        }
    }

    @Test func headersOfEveryMatchingRuleLaterOnesWinning() async throws {
        let site = try SiteConfig(headers: [
            .init(
                source: SitePattern("/:path*"), headers: [.init(key: "X-Frame-Options", value: "DENY"), .init(key: "X-Tier", value: "all")]),
            .init(source: SitePattern("/blog/:slug"), headers: [.init(key: "X-Tier", value: "blog")]),
        ])
        try await Self.router(site).test { (client: TestClient) throws in
            let post = try await client.get("/blog/a")
            #expect(post.headers.get("X-Frame-Options") == "DENY")
            #expect(post.headers.get("X-Tier") == "blog")
            let missing = try await client.get("/nowhere")
            #expect(missing.status == .notFound)
            #expect(missing.headers.get("X-Tier") == "all")
        }
    }

    @Test func basePathAndTrailingSlash() async throws {
        let site = try SiteConfig(
            basePath: "/docs", trailingSlash: true,
            redirects: [.init(source: SitePattern("/old"), destination: "/about", permanent: true)])
        try await Self.router(site).test { (client: TestClient) throws in
            #expect(try await client.get("/docs/about/").text == "about")
            #expect(try await client.get("/about/").status == .notFound)
            let noSlash = try await client.get("/docs/about")
            #expect(noSlash.status == .permanentRedirect)
            #expect(noSlash.headers.get("Location") == "/docs/about/")
            #expect(try await client.get("/docs/old/").headers.get("Location") == "/docs/about")
        }
    }

    /// Next.js middleware's `NextResponse.rewrite`: the root middleware sends the request to another route.
    @Test func theRootMiddlewareCanRewriteARequest() async throws {
        var router = Self.router(SiteConfig())
        router.use { request, context, next in
            guard request.headers.get("X-Beta") == "1" else { return try await next(request, context) }
            return try await next(request.rewritten(to: "/blog/beta"), context)
        }
        try await router.test { (client: TestClient) throws in
            #expect(try await client.get("/about").text == "about")
            #expect(try await client.get("/about", headers: ["X-Beta": "1"]).text == "post beta")
        }
    }

    @Test func middlewareWithAMatcherRunsOnlyForItsPaths() async throws {
        var router = Self.router(SiteConfig())
        router.use(
            MiddlewareFunction(source: "test", matcher: [try SitePattern("/blog/:slug")]) { request, context, next in
                var response = try await next(request, context)
                response.headers.set("X-Matched", "yes")
                return response
            })
        try await router.test { (client: TestClient) throws in
            #expect(try await client.get("/blog/a").headers.get("X-Matched") == "yes")
            #expect(try await client.get("/about").headers.get("X-Matched") == nil)
        }
    }
}
