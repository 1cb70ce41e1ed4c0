import Foundation
import RouteTreeGenerator
import Testing

/// Build errors for middleware files and route segment config, compared with golden files: each directory of
/// `Fixtures/diagnostics` holds an `app/` tree and `expected.txt`, the diagnostics as printed with the tree's
/// path replaced by `<APP>`. `UPDATE_GOLDEN=1` rewrites them after an intended change.
@Suite struct DiagnosticsGoldenTests {
    static let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/diagnostics").path

    static func diagnostics(_ name: String) -> String {
        let app = URL(fileURLWithPath: cases + "/" + name + "/app").standardizedFileURL.path
        do {
            _ = try RouteTreeGenerator(appDirectory: app)
            return ""
        } catch {
            return error.diagnostics.map(\.description).joined(separator: "\n").replacingOccurrences(of: app, with: "<APP>") + "\n"
        }
    }

    @Test(arguments: ["middleware-misnamed", "middleware-missing", "middleware-signature", "config-misspelt", "config-types"])
    func diagnosticsMatchTheGoldenFile(_ name: String) throws {
        let actual = Self.diagnostics(name)
        let path = Self.cases + "/" + name + "/expected.txt"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(!actual.isEmpty)
        #expect(actual == (try String(contentsOfFile: path, encoding: .utf8)), "UPDATE_GOLDEN=1 rewrites the golden files")
    }
}
