import RouteHandlers
import Testing

/// Force-static routes added by hand, rendered in process as `export` renders them.
@Suite struct StaticRendererTests {
    static let staticConfig = RouteConfig(dynamic: .forceStatic)

    static func router(_ build: (inout Router) -> Void) -> Router {
        var router = Router()
        router.use { request, context, next in
            var response = try await next(request, context)
            response.headers["X-Middleware"] = "ran"
            return response
        }
        build(&router)
        return router
    }

    @Test func aRouteWithoutDynamicSegmentsRendersItsOwnPathThroughTheMiddleware() async throws {
        let router = Self.router { router in
            router.add("/about", .get, config: Self.staticConfig) { _, _ in .text("about", headers: ["Cache-Control": "public, max-age=60"])
            }
            router.get("/live") { _, _ in .text("live") }
        }
        let answers = try await StaticRenderer.render(router)
        #expect(answers.count == 1)
        let about = try #require(answers.first)
        #expect(about.path == "/about")
        #expect(about.body == Array("about".utf8))
        #expect(about.headers["X-Middleware"] == "ran")
        #expect(about.headers["Cache-Control"] == "public, max-age=60")
        #expect(about.headers["Content-Type"] == "text/plain; charset=utf-8")
    }

    /// The site config's base path and trailing slash: the exported path is the one a client requests, with the
    /// site's headers.
    @Test func theSiteConfigShapesTheExportedPath() async throws {
        var router = Self.router { router in
            router.add("/about", .get, config: Self.staticConfig) { _, _ in .text("about") }
        }
        router.site = try SiteConfig(
            basePath: "/docs", trailingSlash: true,
            headers: [.init(source: SitePattern("/:path*"), headers: [.init(key: "X-Frame-Options", value: "DENY")])])
        let answers = try await StaticRenderer.render(router)
        #expect(answers.map(\.path) == ["/docs/about/"])
        #expect(answers.first?.headers["X-Frame-Options"] == "DENY")
    }

    @Test func paramsBecomePercentEncodedSegments() async throws {
        var router = Router()
        router.add("/posts/[id]/[[...rest]]", .get, config: Self.staticConfig) { _, context in
            .text(context.params.get("id") ?? "")
        }
        router.staticParams("/posts/[id]/[[...rest]]") {
            [["id": ["1"]], ["id": ["a/b"], "rest": ["x y", "é"]]]
        }
        let answers = try await StaticRenderer.render(router)
        #expect(answers.map(\.path) == ["/posts/1", "/posts/a%2Fb/x%20y/%C3%A9"])
        #expect(answers.map { String(decoding: $0.body, as: UTF8.self) } == ["1", "a/b"])
    }

    @Test(arguments: [
        (["id": [String]()], "needs exactly one value"), (["id": ["a", "b"]], "needs exactly one value"),
        (["id": [".."]], "which no URL path can carry"), (["id": [""]], "which no URL path can carry"),
    ])
    func badParamsAreErrorsNamingTheSegment(params: StaticRoute.Params, problem: String) async throws {
        var router = Router()
        router.add("/posts/[id]", .get, source: "app/posts/[id]/route.swift", config: Self.staticConfig) { _, _ in .text("") }
        router.staticParams("/posts/[id]") { [params] }
        let error = await #expect(throws: StaticExportError.self) { try await StaticRenderer.render(router) }
        #expect(error?.description.hasPrefix("app/posts/[id]/route.swift: generateStaticParams() gave params where [id] ") == true)
        #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
    }

    @Test func answersThatCannotBeStaticAreErrors() async throws {
        let cases: [(RouteHandler, String)] = [
            ({ _, _ in .text("gone", status: .notFound) }, "answered 404, and only a 200 can be static"),
            ({ _, _ in throw HTTPError(.serviceUnavailable) }, "answered 503"),
            (
                { _, _ in
                    var response = Response.text("hi")
                    response.cookies.set("visitor", "1")
                    return response
                }, "sets a cookie"
            ),
        ]
        for (handler, problem) in cases {
            var router = Router()
            router.add("/x", .get, source: "app/x/route.swift", config: Self.staticConfig, handler)
            let error = await #expect(throws: StaticExportError.self) { try await StaticRenderer.render(router) }
            #expect(error?.description.hasPrefix("app/x/route.swift: GET /x ") == true, "\(String(describing: error))")
            #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
        }
    }

    @Test func aDynamicRouteWithoutGenerateStaticParamsIsAnError() async throws {
        var router = Router()
        router.add("/posts/[id]", .get, source: "app/posts/[id]/route.swift", config: Self.staticConfig) { _, _ in .text("") }
        let error = await #expect(throws: StaticExportError.self) { try await StaticRenderer.render(router) }
        #expect(error?.description == "app/posts/[id]/route.swift: a force-static route with dynamic segments needs generateStaticParams()")
    }
}
