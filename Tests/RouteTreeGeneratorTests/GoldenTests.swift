import Foundation
import RouteTreeGenerator
import Testing

/// The generator's output for `Tests/FileRoutingTests/app` (the tree that target compiles and serves), compared
/// with `Fixtures/golden`. Run with `UPDATE_GOLDEN=1` to rewrite the golden files after an intended change.
@Suite struct GoldenTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let app = testsDirectory.deletingLastPathComponent().appending(path: "FileRoutingTests/app").path
    static let golden = testsDirectory.appending(path: "Fixtures/golden").path

    /// Generated text with the machine's path to the fixture replaced, so that goldens hold on any checkout.
    static func portable(_ text: String) -> String {
        text.replacingOccurrences(of: URL(fileURLWithPath: app).standardizedFileURL.path, with: "<APP>")
    }

    @Test func generatedSourcesMatchTheGoldenFiles() throws {
        let generator = try RouteTreeGenerator(appDirectory: Self.app)
        var actual = Dictionary(uniqueKeysWithValues: generator.generatedFiles().map { ($0.name, Self.portable($0.contents)) })
        actual["routes.txt"] = generator.routeTable()
        actual["nginx-routes.conf"] = generator.nginxInclude()
        actual["nginx-routes-http.conf"] = generator.nginxHTTPInclude()
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try? FileManager.default.removeItem(atPath: Self.golden)
            try GeneratedFile.write(actual.map { GeneratedFile(name: $0.key, contents: $0.value) }, to: Self.golden)
        }
        let expectedNames = try FileManager.default.contentsOfDirectory(atPath: Self.golden).sorted()
        #expect(expectedNames == actual.keys.sorted())
        for name in expectedNames {
            let expected = try String(contentsOfFile: Self.golden + "/" + name, encoding: .utf8)
            #expect(actual[name] == expected, "\(name) differs from its golden file; UPDATE_GOLDEN=1 rewrites them")
        }
    }

    @Test func routeTable() throws {
        let table = try RouteTreeGenerator(appDirectory: Self.app).routeTable()
        #expect(
            table.contains("\n/api/users/[id]                                    DELETE GET HEAD OPTIONS  app/api/users/[id]/route.swift\n")
        )
        #expect(table.hasSuffix("22 routes\n"))
    }

    @Test func pluginAndGeneratorNameFilesAlike() {
        // RouteTreePlugin keeps a copy of this naming; the fixture target's build checks the copy, this the rule.
        #expect(RouteFileNaming.wrapperFileName(relativeFolder: "api/users/[id]") == "Route_api__users___lid_r.generated.swift")
        #expect(RouteFileNaming.wrapperFileName(relativeFolder: "") == "Route.generated.swift")
        #expect(RouteFileNaming.mangle("(g)/a_b.c-d/é") == "_og_c__a_ub_dc_md___C3_A9")
    }
}
