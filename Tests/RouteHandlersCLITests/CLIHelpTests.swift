import Foundation
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `route-handlers` executable this package builds.
let routeHandlersCLI = productsDirectory + "/route-handlers"

/// `route-handlers` as a user meets it first: help for each subcommand, and `new`'s refusals.
@Suite struct CLIHelpTests {
    @Test(arguments: [[], ["new"], ["dev"], ["routes"], ["diagnostics"]])
    func everySubcommandHasHelp(_ subcommand: [String]) async throws {
        let result = try await runCommand(routeHandlersCLI, subcommand + ["--help"])
        let text = String(decoding: result.output, as: UTF8.self)
        #expect(result.status == 0)
        #expect(text.contains("USAGE: route-handlers \(subcommand.first ?? "")"))
    }

    @Test func newRefusesANonEmptyDirectoryAndABadName() async throws {
        let directory = try TemporaryDirectory()
        try "x".write(toFile: directory.file("taken"), atomically: false, encoding: .utf8)
        let taken = try await runCommand(routeHandlersCLI, ["new", directory.path, "--name", "app"])
        #expect(taken.status != 0)
        #expect(taken.error.contains("is not empty"))
        let badName = try await runCommand(routeHandlersCLI, ["new", directory.file("app"), "--name", "1 app"])
        #expect(badName.status != 0)
        #expect(badName.error.contains("Invalid name"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("app")))
    }

    @Test func newWritesTheGitHubDependencyByDefault() async throws {
        let directory = try TemporaryDirectory()
        let result = try await runCommand(routeHandlersCLI, ["new", directory.file("shop"), "--name", "shop-api"])
        #expect(result.status == 0, "\(result.error)")
        let manifest = try String(contentsOfFile: directory.file("shop/Package.swift"), encoding: .utf8)
        #expect(manifest.contains(#".package(url: "https://github.com/swift-route-handlers/swift-route-handlers.git", from: "#))
        #expect(manifest.contains(#"exclude: ["app"]"#))
        #expect(manifest.contains(#".plugin(name: "RouteTreePlugin", package: "swift-route-handlers")"#))
        let test = try String(contentsOfFile: directory.file("shop/Tests/shop-apiTests/HelloTests.swift"), encoding: .utf8)
        #expect(test.contains("@testable import shop_api"))
        for file in ["Sources/shop-api/main.swift", "Sources/shop-api/app/api/hello/route.swift", "deploy/nginx.conf",
                     "deploy/shop-api.service", ".gitignore", "README.md"] {
            #expect(FileManager.default.fileExists(atPath: directory.file("shop/" + file)), "\(file)")
        }
        let ignore = try String(contentsOfFile: directory.file("shop/.gitignore"), encoding: .utf8)
        #expect(ignore.contains(".build*/") && ignore.contains("Package.resolved"))
    }

    @Test func diagnosticsFilterNamesTheRouteFile() async throws {
        let directory = try TemporaryDirectory()
        let route = directory.file("app/api/hello/route.swift")
        try FileManager.default.createDirectory(atPath: directory.file("app/api/hello"), withIntermediateDirectories: true)
        try "func GET() {}\n".write(toFile: route, atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.file("route-sources"), withIntermediateDirectories: true)
        let link = directory.file("route-sources/app~api~hello~route.swift")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: route)
        let input = "\(link):1:6: error: bad\nBuild failed\n"
        let result = try await runCommand(routeHandlersCLI, ["diagnostics"], input: Array(input.utf8))
        #expect(String(decoding: result.output, as: UTF8.self) == "\(route):1:6: error: bad\nBuild failed\n")
    }
}
