import Foundation
import RouteHandlersTestHarness
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fake service manager: the datagram socket `NOTIFY_SOCKET` names, read as systemd reads it.
final class FakeNotifySocket: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [[String: String]] = []

    init(path: String) throws {
        self.path = path
        fd = try bindUnix(SOCK_DGRAM, flags: Int32(SOCK_NONBLOCK.rawValue), path: path)
    }

    deinit { close(fd) }

    /// Every message so far, each as its fields.
    var messages: [[String: String]] {
        lock.withLock {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                var fields: [String: String] = [:]
                for line in String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n") {
                    guard let equals = line.firstIndex(of: "=") else { continue }
                    fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
                }
                received.append(fields)
            }
            return received
        }
    }

    /// Waits for a message after the first `after` ones that has `field` (with `value`, when given).
    func message(with field: String, _ value: String? = nil, after: Int = 0, seconds: Double = 30) async -> [String: String]? {
        let match: @Sendable () -> [String: String]? = {
            self.messages.dropFirst(after).first { $0[field] != nil && (value == nil || $0[field] == value) }
        }
        guard await eventually(seconds: seconds, { match() != nil }) else { return nil }
        return match()
    }
}

/// A listening unix socket held by the test, as systemd's .socket unit holds one across restarts.
final class HeldSocket: @unchecked Sendable {
    let path: String
    let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = try bindUnix(SOCK_STREAM, path: path)
        guard listen(fd, 512) == 0 else { throw HarnessError("cannot listen on \(path): errno \(errno)") }
    }

    deinit { close(fd) }

    /// Starts `executable` as systemd starts a socket-activated service: the socket on fd 3, `LISTEN_FDS=1` and
    /// `LISTEN_PID` its own pid (a shell sets it, then execs the app in its place).
    func activate(_ executable: String, _ arguments: [String], environment: [String: String], logPrefix: String) throws -> ChildProcess {
        let script = #"export LISTEN_PID=$$ LISTEN_FDS=1; exec "$0" "$@" 3<&0 0</dev/null"#
        return try ChildProcess(
            "/bin/sh", ["-c", script, executable] + arguments, environment: environment, stdin: .fd(fd), logPrefix: logPrefix)
    }
}

/// The master under systemd, as systemd sees it: the notify protocol read from a fake `NOTIFY_SOCKET`, the
/// socket held across a restart as a .socket unit holds it.
@Suite("systemd: notify and socket activation", .serialized, .timeLimit(.minutes(3)))
struct SystemdNotifyTests {
    static func environment(notify: FakeNotifySocket, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        environment["LOG_LEVEL"] = "debug"
        for (name, value) in extra { environment[name] = value }
        return environment
    }

    @Test func theMasterTellsReadyReloadingStatusWatchdogAndStopping() async throws {
        let directory = try TemporaryDirectory()
        let notify = try FakeNotifySocket(path: directory.file("notify"))
        let held = try HeldSocket(path: directory.file("app.sock"))
        let marker = directory.file("fail")
        let app = try held.activate(
            CGIScript.fixture, ["--processes", "2"],
            environment: Self.environment(notify: notify, extra: ["WATCHDOG_USEC": "400000", "FIXTURE_FAIL_IF_EXISTS": marker]),
            logPrefix: directory.file("app"))
        defer { app.stop() }

        // READY=1 once both workers accept, with the counts; nothing before that claims readiness.
        let ready = try #require(await notify.message(with: "READY", "1"), "\(app.errorOutput)")
        #expect(ready["STATUS"]?.contains("2 of 2 worker(s) serving") == true, "\(ready)")
        #expect(childPIDs(of: app.pid).count == 2)
        #expect(try await CGIFCGI.request(socket: held.path, params: CGIFCGI.params("GET", "/api/hello")).status == 200)
        // WATCHDOG=1 about every half of WATCHDOG_USEC; the workers inherit none of it.
        #expect(await eventually { notify.messages.filter { $0["WATCHDOG"] == "1" }.count >= 3 })

        // SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1 once the new workers serve.
        var seen = notify.messages.count
        app.send(SIGHUP)
        let reloading = try #require(await notify.message(with: "RELOADING", "1", after: seen))
        let monotonic = try #require(reloading["MONOTONIC_USEC"].flatMap { UInt64($0) })
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        #expect(monotonic <= UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000)
        let reloaded = try #require(await notify.message(with: "READY", "1", after: seen), "\(app.errorOutput)")
        #expect(reloaded["STATUS"]?.hasPrefix("Reloaded") == true, "\(reloaded)")
        #expect(reloaded["ERRNO"] == nil)

        // A reload to workers that cannot start: READY=1 again (the old workers serve), the reason and ERRNO=.
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        seen = notify.messages.count
        app.send(SIGHUP)
        #expect(await notify.message(with: "RELOADING", "1", after: seen) != nil)
        let aborted = try #require(await notify.message(with: "READY", "1", after: seen), "\(app.errorOutput)")
        #expect(aborted["STATUS"]?.hasPrefix("Reload aborted") == true, "\(aborted)")
        #expect(aborted["ERRNO"] != nil)
        #expect(try await CGIFCGI.request(socket: held.path, params: CGIFCGI.params("GET", "/api/hello")).status == 200)
        try FileManager.default.removeItem(atPath: marker)

        seen = notify.messages.count
        app.send(SIGTERM)
        let stopping = try #require(await notify.message(with: "STOPPING", "1", after: seen))
        #expect(stopping["STATUS"]?.contains("Stopping") == true)
        #expect(await app.exitStatus(within: 20) == 0, "\(app.errorOutput)")
    }

    @Test func aProcessServingAloneTellsReadyAndStopping() async throws {
        let directory = try TemporaryDirectory()
        let notify = try FakeNotifySocket(path: directory.file("notify"))
        let app = try ChildProcess(
            CGIScript.fixture, ["--listen", directory.file("app.sock")], environment: Self.environment(notify: notify),
            logPrefix: directory.file("app"))
        defer { app.stop() }
        let ready = try #require(await notify.message(with: "READY", "1"), "\(app.errorOutput)")
        #expect(ready["STATUS"]?.contains("app.sock") == true)
        // READY means connectable.
        #expect(try await CGIFCGI.request(socket: directory.file("app.sock"), params: CGIFCGI.params("GET", "/api/hello")).status == 200)
        app.send(SIGTERM)
        #expect(await notify.message(with: "STOPPING", "1") != nil)
        #expect(await app.exitStatus(within: 20) == 0)
    }

    /// `systemctl restart` with a .socket unit: the socket stays open while one master stops and the next starts,
    /// so connections made meanwhile wait in its backlog and are served by the new one.
    @Test func aRestartThroughTheHeldSocketLosesNoConnection() async throws {
        let directory = try TemporaryDirectory()
        let notify = try FakeNotifySocket(path: directory.file("notify"))
        let held = try HeldSocket(path: directory.file("app.sock"))
        let environment = Self.environment(notify: notify)
        let first = try held.activate(
            CGIScript.fixture, ["--processes", "2"], environment: environment, logPrefix: directory.file("first"))
        defer { first.stop() }
        #expect(await notify.message(with: "READY", "1") != nil, "\(first.errorOutput)")

        final class Load: Sendable {
            let outcome = Mutex((served: 0, failed: 0, failures: [String]()))
            let running = Atomic<Bool>(true)
        }
        let load = Load()
        let socket = held.path
        let clients = (0..<4).map { _ in
            Task {
                try? await offload {
                    while load.running.load(ordering: .relaxed) {
                        do {
                            let connection = try RawFastCGIConnection(unixPath: socket)
                            let response = try connection.exchange(FCGI.request("GET", "/api/hello"), seconds: 30)
                            connection.close()
                            load.outcome.withLock {
                                $0.served += response.status == 200 ? 1 : 0
                                $0.failed += response.status == 200 ? 0 : 1
                            }
                        } catch {
                            load.outcome.withLock {
                                $0.failed += 1
                                $0.failures.append("\(error)")
                            }
                        }
                    }
                }
            }
        }
        #expect(await eventually { load.outcome.withLock { $0.served } >= 50 })
        var seen = notify.messages.count
        first.send(SIGTERM)
        #expect(await notify.message(with: "STOPPING", "1", after: seen) != nil)
        #expect(await first.exitStatus(within: 30) == 0, "\(first.errorOutput)")
        let servedBefore = load.outcome.withLock { $0.served }
        // The gap between the two, as systemd leaves it while it starts the next one.
        try await Task.sleep(for: .milliseconds(300))
        seen = notify.messages.count
        let second = try held.activate(
            CGIScript.fixture, ["--processes", "2"], environment: environment, logPrefix: directory.file("second"))
        defer { second.stop() }
        #expect(await notify.message(with: "READY", "1", after: seen) != nil, "\(second.errorOutput)")
        #expect(await eventually { load.outcome.withLock { $0.served } >= servedBefore + 50 })
        load.running.store(false, ordering: .relaxed)
        for client in clients { await client.value }
        let result = load.outcome.withLock { $0 }
        #expect(result.failed == 0, "\(result.failures.prefix(5))")
        second.send(SIGTERM)
        #expect(await second.exitStatus(within: 30) == 0)
    }
}
