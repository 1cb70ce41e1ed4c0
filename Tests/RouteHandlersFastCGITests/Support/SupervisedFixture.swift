import Foundation
import RouteHandlersTestHarness

#if canImport(Glibc)
import Glibc
#endif

/// The fixture app copied into a temporary directory (so that a test can deploy another build over it), started
/// with `arguments` on a unix socket there, and real nginx in front. Every process is stopped by pid.
final class SupervisedFixture: @unchecked Sendable {
    let directory: TemporaryDirectory
    let executable: String
    let socket: String
    let app: ChildProcess
    let nginx: NginxHarness
    /// The workers once started.
    let initialWorkers: Set<pid_t>

    private init(directory: consuming TemporaryDirectory, executable: String, socket: String, app: ChildProcess, nginx: NginxHarness) {
        self.directory = directory
        self.executable = executable
        self.socket = socket
        self.app = app
        self.nginx = nginx
        self.initialWorkers = childPIDs(of: app.pid)
    }

    /// Starts the app and nginx; with `--processes N` in `arguments`, waits for N workers too.
    static func start(_ arguments: [String], environment: [String: String]? = nil) async throws -> SupervisedFixture {
        let directory = try TemporaryDirectory()
        let executable = directory.file("app")
        try copyExecutable(CGIScript.fixture, to: executable)
        let socket = directory.file("app.sock")
        var environment = environment ?? ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = environment["LOG_LEVEL"] ?? "debug"
        let app = try ChildProcess(executable, ["--listen", socket] + arguments, environment: environment, logPrefix: directory.file("app"))
        if let index = arguments.firstIndex(of: "--processes"), let count = Int(arguments[index + 1]) {
            guard await eventually(seconds: 20, { childPIDs(of: app.pid).count == count }) else {
                app.stop()
                throw HarnessError("the workers did not start: \(app.errorOutput)")
            }
        }
        guard await eventually(seconds: 20, { isSocketFile(socket) }) else {
            app.stop()
            throw HarnessError("the app did not listen: \(app.errorOutput)")
        }
        do {
            let nginx = try await NginxHarness.start(directory: directory.path, socket: socket)
            return SupervisedFixture(directory: directory, executable: executable, socket: socket, app: app, nginx: nginx)
        } catch {
            app.stop()
            throw error
        }
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

    /// Waits until the app's log contains `text`.
    func logContains(_ text: String, within seconds: Double = 30) async -> Bool {
        await eventually(seconds: seconds) { self.log.contains(text) }
    }

    func stop() {
        nginx.stop()
        app.stop()
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
