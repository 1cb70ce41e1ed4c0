import RouteHandlers
import RouteHandlersTesting
import Testing

/// A file-based force-static route (`app/prerendered/[...path]`) with an async `generateStaticParams()`.
@Suite struct StaticRouteTests {
    @Test func generateStaticParamsListsThePathsToRender() async throws {
        let routes = Router.app().staticRoutes
        #expect(routes.map(\.pattern.description) == ["/prerendered/[...path]"])
        #expect(try await routes.first?.paths() == ["/prerendered/guides/first%20steps", "/prerendered/faq"])
    }

    @Test func theRenderedAnswersAreTheHandlersThroughTheWholeChain() async throws {
        let answers = try await StaticRenderer.render(Router.app())
        #expect(answers.map(\.path) == ["/prerendered/guides/first%20steps", "/prerendered/faq"])
        #expect(answers.first.map { String(decoding: $0.body, as: UTF8.self) } == #"{"segments":["guides","first steps"]}"#)
        #expect(answers.first?.headers["Content-Type"] == "application/json")
        #expect(answers.first?.source == "app/prerendered/[...path]/route.swift")
        // A path it did not list is still answered by the handler.
        let live = try await TestClient(responder: try Router.app().responder()).get("/prerendered/other")
        #expect(live.status == .ok)
        #expect(live.text == #"{"segments":["other"]}"#)
    }
}
