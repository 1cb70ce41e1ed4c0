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
        for file in [
            "Sources/shop-api/main.swift", "Sources/shop-api/app/api/hello/route.swift", "deploy/nginx.conf",
            "deploy/shop-api.service", "deploy/shop-api.socket", ".gitignore", "README.md",
        ] {
            #expect(FileManager.default.fileExists(atPath: directory.file("shop/" + file)), "\(file)")
        }
        let ignore = try String(contentsOfFile: directory.file("shop/.gitignore"), encoding: .utf8)
        #expect(ignore.contains(".build*/") && ignore.contains("Package.resolved"))
    }

    /// The systemd units `new` writes (and the copies for the example in deploy/): systemd-analyze accepts them,
    /// and the service is socket-activated, notify-reload, and confined.
    @Test func theSystemdUnitsVerifyAndTheExamplesCopiesMatch() async throws {
        let directory = try TemporaryDirectory()
        let result = try await runCommand(routeHandlersCLI, ["new", directory.file("app"), "--name", "example-api"])
        #expect(result.status == 0, "\(result.error)")
        let service = try String(contentsOfFile: directory.file("app/deploy/example-api.service"), encoding: .utf8)
        let socket = try String(contentsOfFile: directory.file("app/deploy/example-api.socket"), encoding: .utf8)
        #expect(try String(contentsOfFile: repositoryRoot + "/deploy/example-api.service", encoding: .utf8) == service)
        #expect(try String(contentsOfFile: repositoryRoot + "/deploy/example-api.socket", encoding: .utf8) == socket)
        for line in [
            "Type=notify-reload", "NotifyAccess=main", "Requires=example-api.socket", "NoNewPrivileges=yes", "ProtectSystem=strict",
            "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "WatchdogSec=",
        ] {
            #expect(service.contains(line), "\(line)")
        }
        #expect(socket.contains("ListenStream=/run/example-api/example-api.sock") && socket.contains("SocketGroup=www-data"))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else { return }
        // verify checks that ExecStart= exists: point it at a binary that does.
        let units = directory.file("units")
        try FileManager.default.createDirectory(atPath: units, withIntermediateDirectories: true)
        try service.replacingOccurrences(of: "/usr/local/bin/example-api", with: routeHandlersCLI)
            .write(toFile: units + "/example-api.service", atomically: false, encoding: .utf8)
        try socket.write(toFile: units + "/example-api.socket", atomically: false, encoding: .utf8)
        let verify = try await runCommand(
            "/usr/bin/systemd-analyze", ["verify", units + "/example-api.socket", units + "/example-api.service"], seconds: 60)
        #expect(verify.status == 0, "\(verify.error)")
        // systemd < 253 warns that it does not know notify-reload (and keeps the Type=notify before it); nothing else.
        let complaints = verify.error.split(separator: "\n").filter { !$0.contains("notify-reload") }
        #expect(complaints.isEmpty, "\(complaints)")
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
