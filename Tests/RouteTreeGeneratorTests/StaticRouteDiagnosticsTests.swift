import Foundation
import RouteTreeGenerator
import Testing

/// Build errors for `let dynamic = .forceStatic` and `generateStaticParams()` that do not fit together.
@Suite struct StaticRouteDiagnosticsTests {
    static let staticGet = "import RouteHandlers\nlet dynamic = .forceStatic\nfunc GET() -> Response { .text(\"\") }\n"

    @Test func aForceStaticRouteAnswersGETOnly() throws {
        let diagnostics = try TemporaryApp(["a/route.swift": Self.staticGet + "func POST() -> Response { .text(\"\") }\n"]).diagnostics()
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.hasSuffix(
                "/a/route.swift:2: error: A force-static route answers GET only (rendered once, served as a file); this one also exports POST. Move the other methods to a route of their own."
            ) == true, "\(diagnostics)")
    }

    @Test func dynamicSegmentsNeedGenerateStaticParams() throws {
        let diagnostics = try TemporaryApp(["posts/[id]/route.swift": Self.staticGet]).diagnostics()
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.hasSuffix(
                "/posts/[id]/route.swift:2: error: A force-static route with dynamic segments ([id]) needs func generateStaticParams() -> [Params], listing the paths to render."
            ) == true, "\(diagnostics)")
    }

    @Test func generateStaticParamsWithoutForceStaticIsAnError() throws {
        let source = get + "func generateStaticParams() -> [Params] { [] }\n"
        let diagnostics = try TemporaryApp(["posts/[id]/route.swift": source]).diagnostics()
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.contains("/posts/[id]/route.swift:3: error: generateStaticParams() lists the paths") == true,
            "\(diagnostics)")
    }

    @Test func aValidStaticRouteGeneratesAndIsMarkedInTheRouteTable() throws {
        let source = Self.staticGet + "func generateStaticParams() -> [Params] { [Params(id: \"1\")] }\n"
        let tree = try TemporaryApp(["posts/[id]/route.swift": source])
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        let generator = try RouteTreeGenerator(appDirectory: tree.app)
        #expect(generator.routeTable().contains("config: dynamic=force-static"))
        let wrapper = try #require(generator.generatedFiles().first { $0.contents.contains("generateStaticParams") })
        #expect(wrapper.contents.contains("let dynamic: RouteConfig.Dynamic = .forceStatic\n"))
        #expect(wrapper.contents.contains("    init(`id`: String) {\n        self.`id` = `id`\n    }\n"))
        #expect(
            wrapper.contents.contains(
                "router.staticParams(\"/posts/[id]\") {\n        (generateStaticParams()).map { (params: Params) in [\"id\": [params.`id`]] }\n    }\n"
            ))
        #expect(generator.nginxInclude().contains("# Force-static routes (/posts/[id]): the app's `export`"))
        #expect(!generator.nginxInclude().contains("location"))
    }
}
