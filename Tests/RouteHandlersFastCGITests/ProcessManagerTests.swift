import Foundation
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The master and its workers through real nginx, under load: reload to another build, a killed worker, recycling,
/// time limits, drain and crash loops. Each test starts its own processes and stops them by pid.
@Suite("Process manager", .serialized, .timeLimit(.minutes(3)))
struct ProcessManagerTests {
    @Test(arguments: [SIGHUP, SIGUSR2])
    func reloadToAnotherBuildUnderLoadFailsNoRequest(signal: Int32) async throws {
        let app = try await SupervisedFixture.start(["--processes", "2", "--status-path", "/status"])
        defer { app.stop() }
        #expect(try await app.nginx.request("/api/version").text.contains(#""version":"1""#))
        let before = app.workers

        let load = LoadGenerator(port: app.nginx.port, path: "/api/version", connections: 64)
        #expect(await load.waitFor(requests: 300))
        try app.deploy(CGIScript.fixtureV2)
        kill(app.app.pid, signal)
        let reloaded = await app.status("reloads", reaches: 1, within: 60)
        #expect(await load.waitFor(requests: 300))
        let summary = await load.stop()

        #expect(reloaded, "log: \(app.log)")
        #expect(summary.total >= 600)
        #expect(summary.failed == 0, "\(summary)")
        #expect(summary.versions["2", default: 0] > 0, "\(summary)")
        #expect(app.workers.isDisjoint(with: before))
        for _ in 0..<4 {
            #expect(try await app.nginx.request("/api/version").text.contains(#""version":"2""#))
        }
    }

    @Test func aReloadToABuildThatCannotStartKeepsTheOldWorkers() async throws {
        let app = try await SupervisedFixture.start(["--processes", "2", "--status-path", "/status"])
        defer { app.stop() }
        let before = app.workers
        let directory = try TemporaryDirectory()
        let broken = directory.file("broken")
        try "#!/bin/sh\nexit 3\n".write(toFile: broken, atomically: true, encoding: .utf8)
        chmod(broken, 0o755)
        try app.deploy(broken)  // copied under the spawn lock, as every executable a test runs
        kill(app.app.pid, SIGHUP)
        #expect(await app.status("aborted reloads", reaches: 1), "log: \(app.log)")
        #expect(app.log.contains("exit status 3"))
        #expect(app.workers == before)
        #expect(try await app.nginx.request("/api/version").status == 200)
    }

    @Test func aReloadWithNoExecutableOnDiskKeepsTheOldWorkers() async throws {
        let app = try await SupervisedFixture.start(["--processes", "2", "--status-path", "/status"])
        defer { app.stop() }
        let before = app.workers
        try FileManager.default.removeItem(atPath: app.executable)
        kill(app.app.pid, SIGUSR2)
        #expect(await app.status("aborted reloads", reaches: 1), "log: \(app.log)")
        #expect(app.log.contains("Reload aborted: the new worker could not be started"))
        #expect(app.log.contains("No such file or directory"))
        #expect(app.workers == before)
        #expect(try await app.nginx.request("/api/version").status == 200)
    }

    @Test func aReloadToABuildThatExitsRightAfterStartingKeepsTheOldWorkers() async throws {
        let app = try await SupervisedFixture.start(["--processes", "2", "--status-path", "/status"])
        defer { app.stop() }
        let before = app.workers
        let directory = try TemporaryDirectory()
        let dying = directory.file("dying")
        // Comes up and accepts connections, then exits 100 ms later.
        try "#!/bin/sh\nFIXTURE_EXIT_AFTER_MS=100 exec '\(CGIScript.fixture)' \"$@\"\n".write(
            toFile: dying, atomically: true, encoding: .utf8)
        chmod(dying, 0o755)
        try app.deploy(dying)
        kill(app.app.pid, SIGHUP)
        #expect(await app.status("aborted reloads", reaches: 1), "log: \(app.log)")
        #expect(app.log.contains("exited at once (exit status 4)"))
        #expect(app.workers == before)
        #expect(try await app.nginx.request("/api/version").status == 200)
    }

    @Test func aKilledWorkerIsReplacedWithinASecond() async throws {
        let app = try await SupervisedFixture.start(["--processes", "2"])
        defer { app.stop() }
        let load = LoadGenerator(port: app.nginx.port, path: "/api/hello", connections: 64)
        #expect(await load.waitFor(requests: 300))
        let victim = try #require(app.workers.first)
        let killed = ContinuousClock.now
        kill(victim, SIGKILL)
        // Replaced: a new worker exists and has told the master it accepts connections.
        let replaced = await eventually(seconds: 5) {
            let now = app.workers
            guard now.count == 2, !now.contains(victim), let new = now.subtracting(app.initialWorkers).first else { return false }
            return app.log.contains("Worker \(new) accepts connections")
        }
        let elapsed = ContinuousClock.now - killed
        #expect(await load.waitFor(requests: 300))
        let during = await load.stop()
        #expect(replaced)
        #expect(elapsed < .seconds(1), "replaced after \(elapsed)")
        // Only what the killed worker had in flight can fail: at most one request per client connection.
        #expect(during.failed <= 64, "\(during)")
        #expect(app.log.contains("Worker \(victim) exited (killed by SIGKILL)"))

        let after = LoadGenerator(port: app.nginx.port, path: "/api/hello", connections: 64)
        #expect(await after.waitFor(requests: 300))
        let summary = await after.stop()
        #expect(summary.failed == 0, "\(summary)")
    }

    @Test func maxRequestsRecyclesWorkersUnderLoadWithoutFailures() async throws {
        let app = try await SupervisedFixture.start(["--processes", "2", "--max-requests", "150"])
        defer { app.stop() }
        let before = app.workers
        // Under load until both first workers have served their budget and been replaced (nginx's kept-alive
        // connections may favour one worker for a while; the replacements go one at a time).
        let load = LoadGenerator(port: app.nginx.port, path: "/api/pid", connections: 64)
        let replaced = await eventually(seconds: 90) { app.workers.count >= 2 && app.workers.isDisjoint(with: before) }
        #expect(await load.waitFor(requests: 300))
        let summary = await load.stop()
        #expect(replaced, "log: \(app.log)")
        #expect(summary.failed == 0, "\(summary)")
        #expect(app.log.contains("it served its --max-requests"))
    }

    @Test func maxMemoryReplacesAGrowingWorker() async throws {
        let app = try await SupervisedFixture.start(["--processes", "1", "--max-memory", "160m"])
        defer { app.stop() }
        let before = app.workers
        let load = LoadGenerator(port: app.nginx.port, path: "/api/hello", connections: 64)
        #expect(try await app.nginx.request("/api/grow?mb=200").status == 200)
        let replaced = await eventually(seconds: 20) { app.workers.count == 1 && app.workers.isDisjoint(with: before) }
        #expect(await load.waitFor(requests: 100))
        let summary = await load.stop()
        #expect(replaced, "log: \(app.log)")
        #expect(app.log.contains("more than --max-memory"))
        #expect(summary.failed == 0, "\(summary)")
    }

    @Test func aRequestPastTheTimeoutGets504AndItsTaskIsCancelled() async throws {
        let app = try await SupervisedFixture.start(["--request-timeout", "1s"])
        defer { app.stop() }
        let started = ContinuousClock.now
        let response = try await app.nginx.request("/api/sleep?ms=20000")
        let elapsed = ContinuousClock.now - started
        #expect(response.status == 504)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.text.contains(#""status":504"#))
        // Long before the 20 s sleep, however busy the machine.
        #expect(elapsed < .seconds(15), "answered after \(elapsed)")
        // The handler saw the cancellation (same process: no master here).
        #expect(await eventually { (try? await app.nginx.request("/api/cancellations"))?.text == #"{"cancelled":1}"# })
        #expect(app.log.contains("Request timed out after 1s"))
        #expect(app.log.contains("GET /api/sleep"))
        #expect(try await app.nginx.request("/api/sleep?ms=10").status == 200)
    }

    @Test func aHandlerThatIgnoresCancellationGetsItsWorkerReplaced() async throws {
        let app = try await SupervisedFixture.start(
            ["--processes", "1", "--request-timeout", "500ms", "--request-terminate-timeout", "1500ms", "--status-path", "/status"])
        defer { app.stop() }
        let stuck = try #require(app.workers.first)
        // The handler blocks its thread: the soft limit still answers 504, the hard one retires the worker.
        let response = try await app.nginx.request("/api/hang")
        #expect(response.status == 504)
        #expect(await eventually(seconds: 15) { !app.workers.contains(stuck) && app.workers.count == 1 }, "log: \(app.log)")
        #expect(await app.status("terminate timeouts", reaches: 1))
        #expect(app.log.contains("GET /api/hang"))
        #expect(try await app.nginx.request("/api/hello").status == 200)
    }

    @Test func withOnlyAHardLimitTheStuckRequestIsCutOffAndItsWorkerReplaced() async throws {
        let app = try await SupervisedFixture.start(["--processes", "1", "--request-terminate-timeout", "1s"])
        defer { app.stop() }
        let stuck = try #require(app.workers.first)
        let started = ContinuousClock.now
        // No soft limit: nobody answers the request, so it is cut off (nginx answers 502) once the hard one passes,
        // not at the end of the 30 s drain.
        let response = try await Curl.request(app.nginx.baseURL + "/api/hang", seconds: 20)
        #expect(response.status == 502)
        #expect(ContinuousClock.now - started < .seconds(18))
        #expect(await eventually(seconds: 15) { !app.workers.contains(stuck) && app.workers.count == 1 }, "log: \(app.log)")
        #expect(try await app.nginx.request("/api/hello").status == 200)
    }

    @Test func aStuckHandlerMakesAProcessWithoutAMasterExitForItsServiceManager() async throws {
        let app = try await SupervisedFixture.start(["--request-timeout", "300ms", "--request-terminate-timeout", "1s"])
        defer { app.stop() }
        #expect(try await app.nginx.request("/api/hang").status == 504)
        // Non-zero, so that systemd's Restart= starts it again.
        #expect(await app.app.exitStatus(within: 15) == 75, "log: \(app.log)")
        #expect(app.log.contains("GET /api/hang"))
    }

    @Test(arguments: [["--processes", "1"], []])
    func drainClosesTheListenerAndIdleConnectionsAndFinishesRequests(arguments: [String]) async throws {
        let app = try await SupervisedFixture.start(arguments)
        defer { app.stop() }
        let idle = try connectUnix(app.socket)
        defer { close(idle) }
        let nginx = app.nginx
        let slow = Task { try await nginx.request("/api/sleep?ms=2000") }
        try await Task.sleep(for: .milliseconds(500))
        app.app.send(SIGTERM)
        // The listener goes first: a new connection is refused while the slow request is still running.
        #expect(
            await eventually(seconds: 1.5) {
                (try? connectUnix(app.socket)).map {
                    close($0)
                    return false
                } ?? true
            })
        // The idle connection is closed.
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(idle, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        #expect(recv(idle, &byte, 1, 0) == 0)
        // The request in flight finishes.
        #expect(try await slow.value.status == 200)
        #expect(await app.app.exitStatus(within: 10) == 0)
    }

    @Test func theSpawnFcgiRecipeRunsAMasterOnTheSocketItHandsOver() async throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("spawned.sock")
        let app = try ChildProcess(
            "/usr/bin/spawn-fcgi", ["-n", "-s", socket, "-M", "0600", "--", CGIScript.fixture, "--processes", "2"],
            logPrefix: directory.file("app"))
        defer { app.stop() }
        #expect(await eventually(seconds: 20) { childPIDs(of: app.pid).count == 2 }, "log: \(app.errorOutput)")
        let nginx = try await NginxHarness.start(directory: directory.path, socket: socket)
        defer { nginx.stop() }
        let pids = try await (0..<20).asyncMap { _ in try await nginx.request("/api/pid").text }
        #expect(Set(pids).count >= 1)
        #expect(pids.allSatisfy { $0.hasPrefix(#"{"pid":"#) })
        app.send(SIGTERM)
        #expect(await app.exitStatus(within: 15) == 0, "log: \(app.errorOutput)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-socket-activate")))
    func aMasterServesASocketSystemdActivatesAndReloads() async throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("activated.sock")
        let app = try ChildProcess(
            "/usr/bin/systemd-socket-activate", ["-l", socket, CGIScript.fixture, "--processes", "2", "--status-path", "/status"],
            logPrefix: directory.file("app"))
        defer { app.stop() }
        #expect(await eventually { isSocketFile(socket) })
        let nginx = try await NginxHarness.start(directory: directory.path, socket: socket)
        defer { nginx.stop() }
        // The first connection makes systemd-socket-activate exec the app (same pid) with the socket on fd 3.
        #expect(try await Curl.request(nginx.baseURL + "/api/hello", seconds: 20).status == 200)
        #expect(await eventually { childPIDs(of: app.pid).count == 2 })
        let before = childPIDs(of: app.pid)
        app.send(SIGHUP)
        #expect(await statusField("reloads", at: socket, reaches: 1), "log: \(app.errorOutput)")
        #expect(await eventually { childPIDs(of: app.pid).isDisjoint(with: before) && childPIDs(of: app.pid).count == 2 })
        #expect(try await nginx.request("/api/hello").status == 200)
        app.send(SIGTERM)
        #expect(await app.exitStatus(within: 15) == 0, "log: \(app.errorOutput)")
    }

    @Test func workersThatKeepCrashingAreRestartedWithABackOff() async throws {
        let directory = try TemporaryDirectory()
        let marker = directory.file("fail")
        var environment = ProcessInfo.processInfo.environment
        environment["FIXTURE_FAIL_IF_EXISTS"] = marker
        let app = try await SupervisedFixture.start(["--processes", "1"], environment: environment)
        defer { app.stop() }
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        kill(try #require(app.workers.first), SIGKILL)
        #expect(await app.logContains("exited (exit status 3)"))
        #expect(await app.logContains("Workers keep exiting"))
        try await Task.sleep(for: .seconds(2))
        // Backing off: a handful of attempts, not a spin.
        let attempts = app.log.components(separatedBy: "exited (exit status 3)").count - 1
        #expect((5...12).contains(attempts), "\(attempts) attempts")
        try FileManager.default.removeItem(atPath: marker)
        #expect(await eventually(seconds: 40) { (try? await app.nginx.request("/api/hello"))?.status == 200 })
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
