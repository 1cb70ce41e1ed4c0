import Foundation
import RouteHandlers
import RouteTreeGenerator
import Testing

/// `app/route-handlers.json` as the generator reads it: the rules, their build errors, the generated code and the
/// nginx locations.
@Suite struct SiteConfigFileTests {
    static let get = "import RouteHandlers\nfunc GET() -> Response { .text(\"x\") }\n"

    static func generator(_ json: String) throws -> RouteTreeGenerator {
        let tree = try TemporaryApp([
            "route-handlers.json": json, "api/hello/route.swift": get, "api/users/[id]/route.swift": get,
            "api/users/me/route.swift": get,
        ])
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        return try RouteTreeGenerator(appDirectory: tree.app)
    }

    @Test func theRulesAreReadAndCompiledIntoTheRouter() throws {
        let generator = try Self.generator(
            """
            {
              "basePath": "/v2", "trailingSlash": true,
              "redirects": [{ "source": "/old/:id", "destination": "/api/users/:id", "permanent": true },
                            { "source": "/gone", "destination": "https://example.com/", "statusCode": 301 }],
              "rewrites": [{ "source": "/u/:path*", "destination": "/api/users/:path*" }],
              "headers": [{ "source": "/api/:path*", "headers": [{ "key": "X-Frame-Options", "value": "DENY" }] }]
            }
            """)
        #expect(generator.site.basePath == "/v2")
        #expect(generator.site.trailingSlash == true)
        #expect(generator.site.redirects.map(\.statusCode) == [308, 301])
        #expect(generator.site.rewrites.first?.destination == "/api/users/:path*")
        #expect(generator.site.headers.first?.headers == [SiteConfig.Header(key: "X-Frame-Options", value: "DENY")])
        let index = try #require(generator.generatedFiles().first { $0.name == "AppRoutes.generated.swift" }?.contents)
        #expect(index.contains(#"router.site = SiteConfig(basePath: "/v2", trailingSlash: true, redirects: ["#))
        #expect(
            index.contains(
                #".init(source: SitePattern(checked: "/old/:id"), destination: "/api/users/:id", permanent: true, statusCode: 308)"#))

        let nginx = generator.nginxInclude()
        #expect(nginx.contains("location ~ \"^/v2/old/(?<rh_id>[^/]+)/?$\" {\n    # Location"))
        #expect(nginx.contains("    return 308 \"/v2/api/users/${rh_id}$is_args$args\";"))
        #expect(nginx.contains("location = \"/v2/gone\" {"))
        #expect(nginx.contains("    return 301 \"https://example.com/$is_args$args\";"))
        #expect(nginx.contains("location ~ \"^/v2/u(?:/(?<rh_path>.+))?/?$\" {\n    rewrite ^ \"/v2/api/users/${rh_path}\" last;\n}"))
    }

    /// nginx's own answers (a redirect here) carry the site's headers for their path, as the app's do.
    @Test func nginxsOwnRedirectsCarryTheSiteHeaders() throws {
        let generator = try Self.generator(
            """
            { "redirects": [{ "source": "/old", "destination": "/api/hello", "permanent": true }],
              "headers": [
                { "source": "/:path*", "headers": [{ "key": "X-Frame-Options", "value": "DENY" }, { "key": "X-Tier", "value": "all" }] },
                { "source": "/old", "headers": [{ "key": "x-tier", "value": "old" }, { "key": "X-Var", "value": "$x" }] }] }
            """)
        let nginx = generator.nginxInclude()
        #expect(nginx.contains("    add_header X-Frame-Options \"DENY\" always;\n    add_header X-Tier \"old\" always;\n    return 308"))
        #expect(!nginx.contains("X-Var"))
    }

    /// nginx's 429 of a rate-limited route without dynamic segments carries the site's headers for its path.
    @Test func nginxs429CarriesTheSiteHeaders() throws {
        let tree = try TemporaryApp([
            "route-handlers.json":
                #"{ "headers": [{ "source": "/api/:path*", "headers": [{ "key": "X-Frame-Options", "value": "DENY" }] }] }"#,
            "api/hello/route.swift": "let rateLimit = RateLimit(1, per: .second)\n" + Self.get,
        ])
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        let nginx = try RouteTreeGenerator(appDirectory: tree.app).nginxInclude()
        #expect(
            nginx.contains(
                "    add_header X-Request-Id $request_id always;\n    add_header X-Frame-Options \"DENY\" always;\n    return 429"))
    }

    /// A literal route a rewrite's source also matches keeps its own location, so that nginx serves it, as the app
    /// does, instead of rewriting it.
    @Test func literalRoutesUnderARewriteKeepTheirLocation() throws {
        let generator = try Self.generator(#"{ "rewrites": [{ "source": "/api/users/:id", "destination": "/api/hello" }] }"#)
        let nginx = generator.nginxInclude()
        #expect(nginx.contains("location = /api/users/me {\n    include route-handlers-fastcgi.conf;\n}"))
        #expect(!nginx.contains("location = /api/hello {"))
    }

    @Test func badRulesAreBuildErrorsNamingTheRule() throws {
        for (json, expected) in [
            (#"{ "redirect": [] }"#, #"did you mean "redirects"?"#),
            (#"{ "redirects": [{ "source": "/a", "destination": "/b" }] }"#, #"needs either "permanent""#),
            (#"{ "redirects": [{ "source": "/a", "destination": "/b", "statusCode": 304 }] }"#, "must be 301, 302, 303, 307 or 308"),
            (#"{ "redirects": [{ "source": "/a/:id", "destination": "/b/:slug", "permanent": true }] }"#, "uses :slug, which its source"),
            (#"{ "redirects": [{ "source": "/a/:id(\\d+)", "destination": "/b", "permanent": true }] }"#, "no regular expressions"),
            (#"{ "rewrites": [{ "source": "/a", "destination": "https://example.com" }] }"#, "proxy_pass"),
            (#"{ "rewrites": [{ "source": "a", "destination": "/b" }] }"#, "must start with /"),
            (#"{ "rewrites": [{ "source": "/a", "destination": "/b", "has": [] }] }"#, #"Next.js's "has" is not supported"#),
            (#"{ "headers": [{ "source": "/a", "headers": [{ "key": "Bad Name", "value": "x" }] }] }"#, "is not a header"),
            (#"{ "basePath": "/docs/" }"#, "basePath must be a path"),
            (#"{ "trailingSlash": "yes" }"#, "trailingSlash must be true or false"),
            ("{ \"redirects\": [\n  { \"source\": \"/a\" ", "is not valid JSON"),
        ] {
            let tree = try TemporaryApp(["route-handlers.json": json, "api/hello/route.swift": Self.get])
            let diagnostics = tree.diagnostics()
            #expect(diagnostics.count == 1, "\(json): \(diagnostics)")
            #expect(diagnostics.first?.contains("/route-handlers.json:") == true, "\(json): \(diagnostics)")
            #expect(diagnostics.first?.contains(expected) == true, "\(json): \(diagnostics)")
        }
    }

    static let middleware = """
        import RouteHandlers
        let matcher = ["/api/:path*", "/admin"]
        func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
            try await next(request, context)
        }
        """

    @Test func aMiddlewareMatcherIsCompiledIn() throws {
        let tree = try TemporaryApp(["middleware.swift": Self.middleware, "api/hello/route.swift": Self.get])
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        let generator = try RouteTreeGenerator(appDirectory: tree.app)
        let file = try #require(generator.generatedFiles().first { $0.contents.contains("MiddlewareFunction(") }?.contents)
        #expect(
            file.contains(#"matcher: [SitePattern(checked: "/api/:path*"), SitePattern(checked: "/admin")]) { request, context, next in"#))
    }

    @Test func aBadMatcherIsABuildError() throws {
        for (matcher, expected) in [("let matcher = [\"api\"]", "must start with /"), ("let matcher = prefixes", "string literals")] {
            let source = Self.middleware.replacingOccurrences(of: #"let matcher = ["/api/:path*", "/admin"]"#, with: matcher)
            let tree = try TemporaryApp(["middleware.swift": source, "api/hello/route.swift": Self.get])
            let diagnostics = tree.diagnostics()
            #expect(diagnostics.count == 1 && diagnostics.first?.contains("/middleware.swift:2: error: ") == true, "\(diagnostics)")
            #expect(diagnostics.first?.contains(expected) == true, "\(diagnostics)")
        }
    }
}
