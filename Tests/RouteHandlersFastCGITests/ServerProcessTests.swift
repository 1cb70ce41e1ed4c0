import Foundation
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An app (the fixture) started the ways an operator starts it.
@Suite("Server as a process", .timeLimit(.minutes(2)))
struct ExampleProcessTests {
    let fixture = CGIScript.fixture

    @Test func servesTheSocketSpawnFcgiHandsOverOnFd0() async throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("spawned.sock")
        // -n: spawn-fcgi stays in the foreground as the app itself (it execs), so its pid is the app's.
        let app = try ChildProcess(
            "/usr/bin/spawn-fcgi", ["-n", "-s", socket, "-M", "0600", "--", fixture],
            logPrefix: directory.file("app"))
        defer { app.stop() }
        // Connectable, not just present: spawn-fcgi binds before it listens.
        #expect(await eventually { (try? connectUnix(socket)).map { close($0) == 0 } ?? false })
        let response = try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/hello"))
        #expect(response.status == 200)
        #expect(response.text == #"{"message":"Hello, World!"}"#)
        app.send(SIGTERM)
        #expect(await app.exitStatus(within: 10) == 0)
    }

    @Test func listensOnTCPLoopbackWithAPort() async throws {
        let directory = try TemporaryDirectory()
        let port = try freeLoopbackPort()
        let app = try ChildProcess(fixture, ["--port", String(port)], logPrefix: directory.file("app"))
        defer { app.stop() }
        #expect(await eventually { canConnect(tcpPort: port) })
        let response = try await CGIFCGI.request(socket: "127.0.0.1:\(port)", params: CGIFCGI.params("GET", "/api/hello"))
        #expect(response.status == 200)
        app.send(SIGTERM)
        #expect(await app.exitStatus(within: 10) == 0)
    }

    @Test func refusesASocketPathAnotherServerHolds() async throws {
        let first = try await SupervisedFixture.start(nginx: false, deployable: false)
        defer { first.stop() }
        let socket = first.socket
        let second = try await runCommand(fixture, ["--listen", socket], seconds: 10)
        #expect(second.status == 1)
        #expect(second.error.contains("another server is already listening"), "stderr: \(second.error)")
        // The first server was not disturbed.
        #expect(try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/hello")).status == 200)
    }

    @Test func refusesAPathThatIsNotASocketAndAnUnwritableDirectory() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.file("regular-file")
        _ = FileManager.default.createFile(atPath: file, contents: Data("keep me".utf8))
        let onFile = try await runCommand(fixture, ["--listen", file], seconds: 10)
        #expect(onFile.status == 1)
        #expect(onFile.error.contains("not a socket"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me")

        let missingDirectory = try await runCommand(fixture, ["--listen", directory.file("no/such/dir.sock")], seconds: 10)
        #expect(missingDirectory.status == 1)
        #expect(missingDirectory.error.hasPrefix("error: Cannot listen on"))
    }

    @Test func replacesAStaleSocketLeftByADeadServer() async throws {
        let first = try await SupervisedFixture.start(nginx: false, deployable: false)
        let socket = first.socket
        first.stop(signal: SIGKILL)
        #expect(isSocketFile(socket))
        // Started by hand: on the stale socket the first one left.
        let second = try ChildProcess(fixture, ["--listen", socket], logPrefix: first.directory.file("second"))
        defer { second.stop() }
        #expect(
            await eventually { (try? await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/hello")))?.status == 200 })
    }

    @Test func runFromATerminalPrintsUsageInsteadOfHanging() async throws {
        let result = try await runCommand(fixture, [], environment: ["PATH": "/usr/bin:/bin"], seconds: 10)
        #expect(result.status == 64)
        let usage = String(decoding: result.output, as: UTF8.self)
        #expect(usage.contains("--listen"))
        #expect(usage.contains("spawn-fcgi"))
    }

    @Test func environmentVariableNamesTheSocket() async throws {
        let directory = try TemporaryDirectory()
        let socket = directory.file("env.sock")
        let app = try ChildProcess(
            fixture, [], environment: ["ROUTE_HANDLERS_LISTEN": socket, "ROUTE_HANDLERS_SOCKET_MODE": "0600"],
            logPrefix: directory.file("app"))
        defer { app.stop() }
        #expect(await eventually { isSocketFile(socket) })
        var status = stat()
        #expect(lstat(socket, &status) == 0 && status.st_mode & 0o777 == 0o600)
    }

    @Test func invalidOptionsExitWithAMessage() async throws {
        let badPort = try await runCommand(fixture, ["--listen", "127.0.0.1:99999"], seconds: 10)
        #expect(badPort.status == 1)
        #expect(badPort.error.contains("port"))
        let allInterfaces = try await runCommand(fixture, ["--listen", ":9000"], seconds: 10)
        #expect(allInterfaces.status == 1)
        #expect(allInterfaces.error.contains("name the host"))
        let badSize = try await runCommand(fixture, ["--listen", "/tmp/x.sock", "--max-body-size", "ten"], seconds: 10)
        #expect(badSize.status == 1)
    }

    @Test func supervisorRestartsAWorkerThatDiesAndStopsThemAll() async throws {
        let fixture = try await SupervisedFixture.start(["--processes", "2"], nginx: false, deployable: false)
        defer { fixture.stop() }
        let (master, socket) = (fixture.app, fixture.socket)
        let workers = childPIDs(of: master.pid)
        #expect(try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/hello")).status == 200)

        // A worker killed outright (as a libfcgi abort would) is replaced; the socket keeps serving.
        let victim = try #require(workers.first)
        kill(victim, SIGKILL)
        #expect(
            await eventually {
                let now = childPIDs(of: master.pid)
                return now.count == 2 && !now.contains(victim)
            })
        for _ in 0..<4 {
            #expect(try await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/hello")).status == 200)
        }

        master.send(SIGTERM)
        #expect(await master.exitStatus(within: 10) == 0)
        #expect(childPIDs(of: master.pid).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: socket))
    }
}

/// The pids whose parent is `pid`, read from /proc.
func childPIDs(of pid: pid_t) -> Set<pid_t> {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    var children: Set<pid_t> = []
    for entry in entries {
        guard let child = pid_t(entry),
            let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { continue }
        // Fields after the command name: state, ppid, ...
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        if fields.count > 2, fields[0] != "Z", pid_t(fields[1]) == pid { children.insert(child) }
    }
    return children
}
