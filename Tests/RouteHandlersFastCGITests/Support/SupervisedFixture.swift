import Foundation
import RouteHandlersTestHarness

#if canImport(Glibc)
import Glibc
#endif

/// The fixture app started with `arguments` on a unix socket in a temporary directory (or on `listen`), and real
/// nginx in front unless the test brings another web server or talks FastCGI itself. Copied into that directory
/// first when the test deploys another build over it. Every process is stopped by pid.
final class SupervisedFixture: @unchecked Sendable {
    let directory: TemporaryDirectory
    let executable: String
    /// Where the app listens: the socket's path, or `host:port` when started with `listen`.
    let socket: String
    let app: ChildProcess
    private let frontend: NginxHarness?
    /// The workers once started.
    let initialWorkers: Set<pid_t>

    private init(
        directory: consuming TemporaryDirectory, executable: String, socket: String, app: ChildProcess, nginx: NginxHarness?
    ) {
        self.directory = directory
        self.executable = executable
        self.socket = socket
        self.app = app
        self.frontend = nginx
        self.initialWorkers = childPIDs(of: app.pid)
    }

    /// Starts the app, waits until it accepts connections (and, with `--processes N` in `arguments`, for N
    /// workers), then starts nginx.
    /// - Parameters:
    ///   - environment: the app's whole environment (this process's by default); `LOG_LEVEL` is `debug` unless set.
    ///   - listen: a loopback `host:port` to listen on instead of the unix socket.
    ///   - probeFrom: the loopback address the readiness check on `listen` connects from: one in the app's
    ///     `--allowed-clients`, so that the check is not refused (and counted, and logged). Any by default.
    ///   - nginx: whether to start nginx in front.
    ///   - deployable: whether to run a copy of the fixture that ``deploy(_:)`` can replace.
    static func start(
        _ arguments: [String] = [], environment: [String: String]? = nil, listen: String? = nil, probeFrom: String? = nil,
        nginx: Bool = true, deployable: Bool = true
    ) async throws -> SupervisedFixture {
        let directory = try TemporaryDirectory()
        var executable = CGIScript.fixture
        if deployable {
            executable = directory.file("app")
            try copyExecutable(CGIScript.fixture, to: executable)
        }
        let socket = listen ?? directory.file("app.sock")
        var environment = environment ?? ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = environment["LOG_LEVEL"] ?? "debug"
        let app = try ChildProcess(
            executable, ["--listen", socket] + arguments, environment: environment, logPrefix: directory.file("app"))
        if let index = arguments.firstIndex(of: "--processes"), let count = Int(arguments[index + 1]) {
            guard await eventually(seconds: 20, { childPIDs(of: app.pid).count == count }) else {
                app.stop()
                throw HarnessError("the workers did not start: \(app.errorOutput)")
            }
        }
        guard await eventually(seconds: 20, { accepts(socket, from: probeFrom) }) else {
            app.stop()
            throw HarnessError("the app did not listen: \(app.errorOutput)")
        }
        do {
            let front = nginx ? try await NginxHarness.start(directory: directory.path, socket: socket) : nil
            return SupervisedFixture(directory: directory, executable: executable, socket: socket, app: app, nginx: front)
        } catch {
            app.stop()
            throw error
        }
    }

    /// Whether a connection to `address` (a unix socket's path, or `host:port`) succeeds.
    private static func accepts(_ address: String, from source: String?) -> Bool {
        guard !address.hasPrefix("/") else { return acceptsConnections(unixPath: address) }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return false }
        let host = address[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard let fd = try? connectTCP(host: host, port: port, from: source) else { return false }
        close(fd)
        return true
    }

    /// nginx in front of the app; only when started with it.
    var nginx: NginxHarness {
        guard let frontend else { preconditionFailure("the fixture was started without nginx") }
        return frontend
    }

    var workers: Set<pid_t> { childPIDs(of: app.pid) }
    var log: String { app.errorOutput }

    /// Puts another build where the app was started from, the way a deploy does: copied beside it, renamed over.
    func deploy(_ build: String) throws {
        let staged = executable + ".new"
        try? FileManager.default.removeItem(atPath: staged)
        try copyExecutable(build, to: staged)
        guard rename(staged, executable) == 0 else { throw HarnessError("rename failed: errno \(errno)") }
    }

    /// Waits until the status page's `name` (such as `reloads`) is `value`. The app needs `--status-path /status`.
    func status(_ name: String, reaches value: Int, within seconds: Double = 30) async -> Bool {
        await statusField(name, at: socket, reaches: value, within: seconds)
    }

    /// Waits until the app's log contains `text`.
    func logContains(_ text: String, within seconds: Double = 30) async -> Bool {
        await eventually(seconds: seconds) { self.log.contains(text) }
    }

    /// Stops nginx, then the app with `signal` (SIGKILL after a grace period).
    func stop(signal: Int32 = SIGTERM) {
        frontend?.stop()
        app.stop(signal: signal)
    }

    deinit { stop() }
}

/// Copies an executable with no child process started meanwhile: one would inherit the descriptor being
/// written (it is not close-on-exec) and running the copy would fail with "Text file busy".
func copyExecutable(_ source: String, to destination: String) throws {
    spawnLock.lock()
    defer { spawnLock.unlock() }
    try FileManager.default.copyItem(atPath: source, toPath: destination)
}

extension CGIScript {
    /// The fixture as another build: `/api/version` answers "2".
    static var fixtureV2: String { productsDirectory + "/route-handlers-fixture-v2" }
}

/// A number on the status page (`?json`) of the app on the unix socket `socket`; `nil` when it does not answer.
/// Asked over a raw FastCGI connection: polling spawns no process.
func statusField(_ name: String, at socket: String) async -> Int? {
    let page = try? await offload { try RawFastCGIConnection(unixPath: socket).exchange(FCGI.request("GET", "/status?json")) }
    guard let page, let json = try? JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any] else { return nil }
    return json[name] as? Int
}

/// Waits until the status page's `name` is `value`, asking every 100 ms.
func statusField(_ name: String, at socket: String, reaches value: Int, within seconds: Double = 30) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
        if await statusField(name, at: socket) == value { return true }
        try? await Task.sleep(for: .milliseconds(100))
    } while Date() < deadline
    return await statusField(name, at: socket) == value
}
