import Foundation
import RouteHandlersTestHarness
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The developer loop as a user lives it: `route-handlers new` (on this checkout), `swift build` and `swift test`
/// in the new package, then `route-handlers dev` on it while a loop of requests runs: the hello route answers, an
/// edit is served after the rebuild, a type error turns every request into a 500 naming the route file's real path
/// and line, the fix brings 200 back, no request is refused, and Ctrl-C stops everything.
///
/// Slow (the new package builds its dependencies from scratch: minutes on a loaded machine), so it runs on its own,
/// from .ci/check-dev-loop (called by .ci/test), which sets ROUTE_HANDLERS_DEV_LOOP_TESTS.
@Suite(.serialized) struct DevLoopTests {
    @Test(
        .enabled(if: ProcessInfo.processInfo.environment["ROUTE_HANDLERS_DEV_LOOP_TESTS"] != nil, "run by .ci/check-dev-loop"),
        .timeLimit(.minutes(45)))
    func newPackageBuildsTestsAndServesThroughDev() async throws {
        let directory = try TemporaryDirectory()
        let package = directory.file("hello")
        let created = try await runCommand(routeHandlersCLI, ["new", package, "--dependency-path", repositoryRoot])
        try #require(created.status == 0, "\(created.error)")

        let build = try await runCommand("/usr/bin/env", ["swift", "build", "--build-tests", "--package-path", package], seconds: 1800)
        try #require(build.status == 0, "swift build failed:\n\(String(decoding: build.output, as: UTF8.self))\(build.error)")
        let buildOutput = String(decoding: build.output, as: UTF8.self) + build.error
        // Compiler warnings, that is (SwiftPM's notes on a dependency's unhandled files are not the package's).
        let warnings = buildOutput.split(separator: "\n").filter { $0.contains(".swift:") && $0.contains(": warning:") }
        #expect(warnings.isEmpty, "the new package compiles without warnings:\n\(warnings.joined(separator: "\n"))")
        let test = try await runCommand("/usr/bin/env", ["swift", "test", "--skip-build", "--package-path", package], seconds: 600)
        let testOutput = String(decoding: test.output, as: UTF8.self) + test.error
        try #require(test.status == 0, "swift test failed:\n\(testOutput)")
        #expect(testOutput.contains("2 tests passed") || testOutput.contains("Test run with 2 tests"), "\(testOutput)")

        let port = try freeLoopbackPort()
        let dev = try ChildProcess(
            routeHandlersCLI, ["dev", "--port", String(port), "--package-path", package], logPrefix: directory.file("dev"))
        defer { dev.stop(signal: SIGKILL) }
        let route = package + "/Sources/hello/app/api/hello/route.swift"

        // First build (quick: the package is built) and start.
        // "Serving" is printed once nginx has switched (old workers gone, old app stopped).
        let first = await eventually(seconds: 600) { dev.output.components(separatedBy: "Serving http").count == 2 }
        try #require(first, "dev never served:\n\(dev.output)\n\(dev.errorOutput)")
        #expect(dev.output.contains("/api/hello  GET HEAD OPTIONS  app/api/hello/route.swift"), "the route table is shown:\n\(dev.output)")
        #expect(try await get(port, "/api/hello").text.contains("Hello, World!"))

        let loop = RequestLoop(port: port)
        let loopTask = Task { await loop.run() }

        // An edit is served after the rebuild.
        try source(message: "Hello from the dev loop!").write(toFile: route, atomically: false, encoding: .utf8)
        let edited = await eventually(seconds: 600) {
            (try? await get(port, "/api/hello"))?.text.contains("Hello from the dev loop!") == true
        }
        #expect(edited, "the edit was not served:\n\(dev.output)\n\(dev.errorOutput)")

        // A type error: every request gets 500 with the route file's path and line, as problem+json and as HTML.
        try source(message: "Broken", extra: "    let count: Int = \"three\"\n").write(toFile: route, atomically: false, encoding: .utf8)
        // Once dev says so, nginx has switched to the error page: every request gets it.
        let failing = await eventually(seconds: 600) { dev.errorOutput.contains("until a build succeeds") }
        try #require(failing, "the type error was not reported:\n\(dev.output)\n\(dev.errorOutput)")
        let problem = try await get(port, "/api/hello")
        #expect(problem.status == 500)
        #expect(problem.header("Content-Type") == "application/problem+json", "\(problem)\n\(dev.output)\n\(dev.errorOutput)")
        #expect(problem.text.contains("\"file\" : \"\(route)\""), "\(problem.text)")
        #expect(problem.text.contains("\"line\" : 5"), "\(problem.text)")
        #expect(!problem.text.contains("route-sources") && !problem.text.contains(".build"), "\(problem.text)")
        let other = try await get(port, "/anything/else?x=1")
        #expect(other.status == 500 && other.text.contains(route))
        let page = try await get(port, "/api/hello", accept: "text/html,application/xhtml+xml")
        #expect(page.status == 500)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        #expect(page.text.contains("\(route):5:"), "\(page.text)")
        #expect(page.text.contains("let count: Int = &quot;three&quot;"), "the source line is shown:\n\(page.text)")
        #expect(dev.errorOutput.contains("\(route):5:"), "the terminal shows the real path:\n\(dev.errorOutput)")

        // The fix brings 200 back.
        try source(message: "Fixed!").write(toFile: route, atomically: false, encoding: .utf8)
        let fixed = await eventually(seconds: 600) { dev.output.components(separatedBy: "Serving http").count == 4 }
        #expect(fixed, "the fix was not served:\n\(dev.output)\n\(dev.errorOutput)")
        let answer = try await get(port, "/api/hello")
        #expect(answer.status == 200 && answer.text.contains("Fixed!"), "\(answer)")

        // A new route folder is watched and served.
        let users = package + "/Sources/hello/app/api/users/[id]"
        try FileManager.default.createDirectory(atPath: users, withIntermediateDirectories: true)
        try
            "import RouteHandlers\n\nfunc GET(_ request: Request, _ context: Context) -> Response {\n    .json([\"id\": context.params.id])\n}\n"
            .write(toFile: users + "/route.swift", atomically: false, encoding: .utf8)
        let added = await eventually(seconds: 600) { (try? await get(port, "/api/users/42"))?.text == #"{"id":"42"}"# }
        #expect(added, "the new route was not served:\n\(dev.output)\n\(dev.errorOutput)")
        #expect(dev.output.contains("/api/users/[id]"), "\(dev.output)")

        loop.stop()
        await loopTask.value
        let outcome = loop.outcome
        #expect(outcome.refused == 0, "connections refused or failed: \(outcome.failures.prefix(5))")
        #expect(outcome.samples.allSatisfy { !$0.contains(" 502 ") }, "\(outcome.samples)")
        #expect(outcome.statuses.keys.allSatisfy { $0 == 200 || $0 == 500 }, "statuses seen: \(outcome.statuses)")
        #expect(outcome.statuses[200, default: 0] > 0 && outcome.statuses[500, default: 0] > 0, "\(outcome.statuses)")

        // Ctrl-C stops nginx, the app and dev itself.
        dev.send(SIGINT)
        let status = await dev.exitStatus(within: 60)
        #expect(status == 0, "dev exited with \(String(describing: status)):\n\(dev.errorOutput)")
        #expect(!canConnect(tcpPort: port), "nginx still listens after Ctrl-C")
        let work = dev.output.split(separator: "\n").first { $0.hasPrefix("nginx's config") }?.split(separator: " ").last {
            $0.hasPrefix("/tmp/")
        }
        let scratch = try #require(work.map(String.init), "\(dev.output)")
        #expect(Self.processes(mentioning: scratch).isEmpty, "processes left running")
        #expect(!FileManager.default.fileExists(atPath: scratch))
    }

    /// The route file with `message`, and `extra` lines in the handler (line 5 is its first).
    func source(message: String, extra: String = "") -> String {
        "import RouteHandlers\n\n/// GET /api/hello\nfunc GET() -> Response {\n\(extra)    return .json([\"message\": \"\(message)\"])\n}\n"
    }

    /// Pids of processes whose command line mentions `text`.
    static func processes(mentioning text: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { entry in
            guard Int(entry) != nil, let command = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            let words = String(decoding: command, as: UTF8.self)
            return words.contains(text)
        }
    }
}

func get(_ port: Int, _ path: String, accept: String? = nil) async throws -> ReceivedResponse {
    try await timedGet(port: port, path: path, headers: accept.map { ["Accept: \($0)"] } ?? [], seconds: 30).response()
}

/// Requests /api/hello over and over, counting statuses and connections that failed.
final class RequestLoop: Sendable {
    struct Outcome: Sendable {
        var statuses: [Int: Int] = [:]
        var refused = 0
        var failures: [String] = []
        /// The first responses of each status but 200: when and what.
        var samples: [String] = []
    }

    let port: Int
    private let state = Mutex(Outcome())
    private let stopped = Atomic<Bool>(false)

    init(port: Int) { self.port = port }

    var outcome: Outcome { state.withLock { $0 } }

    func stop() { stopped.store(true, ordering: .releasing) }

    func run() async {
        while !stopped.load(ordering: .acquiring) {
            do {
                let response = try await get(port, "/api/hello")
                state.withLock {
                    $0.statuses[response.status, default: 0] += 1
                    if response.status != 200, $0.statuses[response.status, default: 0] <= 2 {
                        $0.samples.append("\(Date()): \(response.status) \(response.text.prefix(300))")
                    }
                }
            } catch {
                state.withLock {
                    $0.refused += 1
                    $0.failures.append("\(error)")
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
