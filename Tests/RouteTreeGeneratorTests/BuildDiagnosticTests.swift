import Foundation
import RouteTreeGenerator
import Testing

/// Compiler output naming route-source links, read back at the route files' own paths.
@Suite struct BuildDiagnosticTests {
    @Test func linkNamesSpellTheDisplayPathReadablyAndReversibly() {
        #expect(SourceLinks.linkName(displayPath: "app/api/(admin)/users/[id]/route.swift") == "app~api~(admin)~users~[id]~route.swift")
        for path in ["app/api/hello/route.swift", "app/a~b/100%/route.swift", "app/%7E/route.swift"] {
            #expect(SourceLinks.displayPath(linkName: SourceLinks.linkName(displayPath: path)) == path)
        }
        #expect(SourceLinks.linkName(displayPath: "app/a~b/route.swift") != SourceLinks.linkName(displayPath: "app/a/b/route.swift"))
    }

    @Test func parsesCompilerLines() throws {
        let error = try #require(BuildDiagnostic(line: "/w/My App/x.swift:12:5: error: cannot find 'y' in scope"))
        #expect(
            error == BuildDiagnostic(path: "/w/My App/x.swift", line: 12, column: 5, severity: "error", message: "cannot find 'y' in scope")
        )
        let generator = try #require(BuildDiagnostic(line: "/w/app/[id/route.swift:1: error: Unclosed bracket"))
        #expect(generator.line == 1 && generator.column == nil && generator.path == "/w/app/[id/route.swift")
        #expect(BuildDiagnostic(line: "[3/9] Compiling App main.swift") == nil)
        #expect(BuildDiagnostic(line: "  | `- error: cannot find 'y' in scope") == nil)
    }

    @Test func mapsLinksToTheRouteFiles() throws {
        let root = FileManager.default.temporaryDirectory.path + "/build-diagnostics-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let route = root + "/Sources/App/app/api/users/[id]/route.swift"
        try FileManager.default.createDirectory(atPath: root + "/Sources/App/app/api/users/[id]", withIntermediateDirectories: true)
        try "func GET() {}\n".write(toFile: route, atomically: false, encoding: .utf8)
        let links = root + "/.build/plugins/outputs/app/App/destination/RouteTreePlugin/route-sources"
        try FileManager.default.createDirectory(atPath: links, withIntermediateDirectories: true)
        let link = links + "/app~api~users~[id]~route.swift"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: route)

        let output = """
            [5/9] Compiling App Route_api__users___lid_r.generated.swift
            \(link):4:22: error: cannot convert value of type 'String' to specified type 'Int'
            \(link):4:22: error: cannot convert value of type 'String' to specified type 'Int'
            \(links)/app~api~gone~route.swift:2:1: error: expected declaration
            \(root)/Sources/App/main.swift:1:1: warning: unused
            """
        #expect(
            BuildDiagnostic.errors(in: output) == [
                BuildDiagnostic(
                    path: route, line: 4, column: 22, severity: "error",
                    message: "cannot convert value of type 'String' to specified type 'Int'"),
                BuildDiagnostic(path: "app/api/gone/route.swift", line: 2, column: 1, severity: "error", message: "expected declaration"),
            ])
        let mapped = BuildDiagnostic.mappingPaths(in: output)
        #expect(!mapped.contains("route-sources"))
        #expect(mapped.contains("\(route):4:22: error: cannot convert"))
        #expect(mapped.contains("\n\(root)/Sources/App/main.swift:1:1: warning: unused"))
    }
}
