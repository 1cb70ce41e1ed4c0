import Foundation
import RouteHandlersTestHarness
import Testing

@testable import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#endif

@Suite("Configuration file: syntax and layering")
struct ConfigurationFileSyntaxTests {
    @Test func keyValueLinesCommentsAndQuotes() throws {
        let file = try ConfigurationFile(
            path: "app.conf",
            text: "; a comment\n# another\n\nlisten = /run/app.sock\n  max-body-size=20m  \naccess-format = \"%m %r\"\n")
        #expect(file.entries.map(\.key) == ["listen", "max-body-size", "access-format"])
        #expect(file.entries.map(\.value) == ["/run/app.sock", "20m", "%m %r"])
        #expect(file.entries.map(\.line) == [4, 5, 6])
    }

    @Test(arguments: [
        ("processes = 2\nmax-body = 1m\n", "app.conf:2: unknown key \"max-body\""),
        ("processes 2\n", "app.conf:1: expected key = value"),
        ("processes = 2\n\nprocesses = 3\n", "app.conf:3: \"processes\" is set again (first on line 1)"),
    ])
    func aBadLineIsNamedByFileAndLine(text: String, message: String) {
        #expect {
            try ConfigurationFile(path: "app.conf", text: text)
        } throws: { error in
            ((error as? ServerError)?.message ?? "").hasPrefix(message)
        }
    }

    @Test func theEnvironmentAndTheCommandLineWinAndABadValueNamesItsKeyAndLine() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("app.conf")
        try "max-body-size = 2m\nshutdown-timeout = 5s\nio-threads = 3\n".write(toFile: path, atomically: false, encoding: .utf8)
        let options = try ServerOptions.parse(["--listen", "/tmp/a.sock", "--config", path, "--io-threads", "4"])
        let configuration = try #require(try options.configuration(environment: ["ROUTE_HANDLERS_SHUTDOWN_TIMEOUT": "7s"]))
        #expect(configuration.maxBodySize == 2 * 1024 * 1024)  // the file
        #expect(configuration.shutdownTimeout == .seconds(7))  // the environment over the file
        #expect(configuration.ioThreads == 4)  // the command line over both
        try "max-body-size = 2m\nshutdown-timeout = soon\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect {
            try options.configuration(environment: [:])
        } throws: { error in
            ((error as? ServerError)?.message ?? "").contains("shutdown-timeout (\(path):2) \"soon\"")
        }
    }
}

/// The file as an operator uses it: `--check` before applying, SIGHUP to apply, under load.
@Suite("Configuration file: check and reload", .timeLimit(.minutes(3)))
struct ConfigurationFileReloadTests {
    @Test func checkValidatesAndNamesTheFirstBadKeyAndLine() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("app.conf")
        try "listen = \(directory.file("app.sock"))\nprocesses = 2\nmax-body-size = 1m\n".write(
            toFile: path, atomically: false, encoding: .utf8)
        let good = try await runCommand(CGIScript.fixture, ["--config", path, "--check"], seconds: 10)
        #expect(good.status == 0, "\(good.error)")
        #expect(String(decoding: good.output, as: UTF8.self).contains("configuration file \(path) test is successful"))
        // Checking opens no socket.
        #expect(!FileManager.default.fileExists(atPath: directory.file("app.sock")))

        try "listen = \(directory.file("app.sock"))\nprocesses = 2\nmax-body-size = lots\n".write(
            toFile: path, atomically: false, encoding: .utf8)
        let bad = try await runCommand(CGIScript.fixture, ["-t", "-c", path], seconds: 10)
        #expect(bad.status == 1)
        #expect(bad.error.contains("max-body-size (\(path):3) \"lots\""), "\(bad.error)")
        try "processes = 2\nworkers = 4\n".write(toFile: path, atomically: false, encoding: .utf8)
        let unknown = try await runCommand(CGIScript.fixture, ["--check"], environment: ["ROUTE_HANDLERS_CONFIG": path], seconds: 10)
        #expect(unknown.status == 1)
        #expect(unknown.error.contains("\(path):2: unknown key \"workers\""), "\(unknown.error)")
    }

    @Test func sighupAppliesAChangedFileUnderLoadWithNoFailedRequest() async throws {
        let files = try TemporaryDirectory()
        let path = files.file("app.conf")
        try "processes = 1\nmax-body-size = 1k\n".write(toFile: path, atomically: false, encoding: .utf8)
        let app = try await SupervisedFixture.start(["--config", path, "--status-path", "/status"])
        defer { app.stop() }
        #expect(await eventually(seconds: 20) { app.workers.count == 1 })
        let body = [UInt8](repeating: 0x61, count: 2048)
        #expect(try await app.nginx.request("/api/echo", method: "POST", body: body).status == 413)

        let load = LoadGenerator(port: app.nginx.port, path: "/api/hello", connections: 16)
        #expect(await load.waitFor(requests: 200))
        let before = app.workers
        try "processes = 2\nmax-body-size = 1m\n".write(toFile: path, atomically: false, encoding: .utf8)
        app.app.send(SIGHUP)
        #expect(await app.status("reloads", reaches: 1), "\(app.log)")
        #expect(await eventually(seconds: 20) { app.workers.count == 2 && app.workers.isDisjoint(with: before) }, "\(app.workers)")
        #expect(try await app.nginx.request("/api/echo", method: "POST", body: body).status == 200)

        // A file that does not check aborts the reload: the workers stay.
        let now = app.workers
        try "processes = 2\nmax-body-size = 1m\nmystery = 1\n".write(toFile: path, atomically: false, encoding: .utf8)
        app.app.send(SIGHUP)
        #expect(await app.status("aborted reloads", reaches: 1), "\(app.log)")
        #expect(app.log.contains("Reload aborted: \(path):3: unknown key \"mystery\""))
        #expect(app.workers == now)
        #expect(await load.waitFor(requests: 400))
        let summary = await load.stop()
        #expect(summary.failed == 0, "\(summary)")
    }
}
