import Foundation
import RouteHandlersTestHarness
import Testing

/// The example's force-static routes (`/api/about`, `/api/docs/[slug]`): rendered by `example-api export`, served by
/// nginx from the export's include, so that they answer with the app stopped.
@Suite("Example API: static routes", .timeLimit(.minutes(3)))
struct ExampleStaticTests {
    /// Runs `example-api export` into `directory`/static and returns an include with the export's locations beside
    /// the generated route include.
    static func export(into directory: borrowing TemporaryDirectory) async throws -> String {
        let output = directory.file("static")
        let result = try await runCommand(
            productsDirectory + "/example-api", ["export", output],
            environment: ExampleAPIServer.appEnvironment(directory: directory.path, extra: [:]), seconds: 60)
        #expect(result.status == 0, "\(result.error)")
        #expect(String(decoding: result.output, as: UTF8.self).hasPrefix("exported 3 answers to \(output)"))
        let routes = directory.file("routes.conf")
        let include = "include \(output)/nginx-static.conf;\ninclude \(ExampleAPIServer.routesInclude);\n"
        #expect(FileManager.default.createFile(atPath: routes, contents: Data(include.utf8)))
        return routes
    }

    @Test func staticRoutesAreServedFromTheirFilesWithTheAppStopped() async throws {
        let directory = try TemporaryDirectory()
        let routes = try await Self.export(into: directory)
        try await withExampleAPI(routes: routes) { api in
            let about = try await api.request("/api/about")
            #expect(about.status == 200)
            #expect(about.text == #"{"docs":"/api/docs/getting-started","name":"example-api","rendered":"ahead of time"}"#)
            #expect(about.header("Content-Type") == "application/json")
            #expect(about.header("Cache-Control") == "public, max-age=300")
            #expect(about.header("X-Request-Id")?.isEmpty == false)
            let page = try await api.request("/api/docs/routing")
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(page.text == "Each app/**/route.swift is a route; [id] folders are dynamic segments.\n")
            // A slug generateStaticParams() did not list reaches the app, and a method the file cannot answer too.
            let unknown = try await api.request("/api/docs/deploying")
            #expect(unknown.status == 404)
            #expect(unknown.header("Content-Type") == "application/problem+json")
            let post = try await api.request("/api/about", method: "POST", body: [])
            #expect(post.status == 405)
            #expect(post.header("Allow")?.contains("GET") == true)
            // nginx's own validators for the file: a repeated GET with them is a 304.
            let tag = try #require(about.header("ETag"))
            let again = try await api.request("/api/about", headers: ["If-None-Match: \(tag)"])
            #expect(again.status == 304)
            let head = try await api.request("/api/about", method: "HEAD")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)

            // The backend gone: the static answers stay, everything else is nginx's 502.
            api.process.stop()
            let stopped = try await api.request("/api/about")
            #expect(stopped.status == 200)
            #expect(stopped.text == about.text)
            #expect(try await api.request("/api/docs/getting-started").status == 200)
            #expect(try await api.request("/api/docs/deploying").status == 502)
            #expect(try await api.request("/api/hello").status == 502)
        }
    }

    @Test func withoutTheExportTheAppAnswersTheSameRoutes() async throws {
        try await withExampleAPI { api in
            let about = try await api.request("/api/about")
            #expect(about.status == 200)
            #expect(about.text == #"{"docs":"/api/docs/getting-started","name":"example-api","rendered":"ahead of time"}"#)
            #expect(about.header("Cache-Control") == "public, max-age=300")
            let page = try await api.request("/api/docs/getting-started")
            #expect(page.text == "Start the example behind nginx with nginx/run-example, then GET /api/hello.\n")
        }
    }
}
