import Dispatch
import Foundation
import Logging
import RouteHandlersFastCGI
import RouteTreeGenerator
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One `route-handlers dev` run: the build loop, nginx, the running app and the error page, all stopped by
/// Ctrl-C (SIGINT) or SIGTERM.
final class DevSession {
    let port: Int
    /// Worker processes of the app under its supervisor; 1 for none.
    let processes: Int
    let work: String
    let package: PackageInfo
    let builder: Builder
    let nginx: Nginx
    let errorPage = ErrorPage()
    let errorSocket: String
    private var errorServer: FastCGIServer?
    private let errorServerDone = DispatchSemaphore(value: 0)
    private var app: AppInstance?
    private var generation = 0
    /// Written to by the signal handler; the watcher and the build wait on its read end.
    private let stopPipe: [Int32]
    private let stopping = Atomic<Bool>(false)
    private var signalSources: [DispatchSourceSignal] = []

    init(packagePath: String, product: String?, port: Int, processes: Int) throws {
        self.port = port
        self.processes = processes
        var template = Array("/tmp/route-handlers-dev.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw DevError("mkdtemp failed") }
        work = String(cString: made)
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw DevError("pipe failed") }
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        stopPipe = ends
        errorSocket = work + "/error.sock"
        nginx = Nginx(prefix: work + "/nginx", port: port)
        package = try PackageInfo.load(path: packagePath, product: product, scratch: work)
        builder = Builder(packagePath: package.path, product: package.product, outputPath: work + "/build.log")
        // Relative paths in the app (a database file, say) are the package's, as with `swift run`.
        _ = FileManager.default.changeCurrentDirectoryPath(package.path)
    }

    /// The time of day, `HH:MM:SS`, for the terminal's rebuild lines.
    static func clock() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) }

    func run() throws {
        installSignalHandlers()
        signal(SIGPIPE, SIG_IGN)
        try startErrorServer()
        guard Nginx.portAnswers(port) == false else { throw DevError("127.0.0.1:\(port) is in use: choose another --port.") }
        let binPath = try builder.binPath()
        say("route-handlers dev: \(package.product) (\(package.targetDirectory))")
        say("nginx's config and logs, and the app's socket: \(work) (removed at exit)")
        let watcher = try Watcher(roots: package.sourceDirectories, files: [package.path + "/Package.swift"])
        var changed: [String] = []
        repeat {
            if !changed.isEmpty {
                let names = changed.map { $0.hasPrefix(package.path + "/") ? String($0.dropFirst(package.path.count + 1)) : $0 }
                say("\n\(Self.clock()) Changed: \(names.joined(separator: ", ")). Rebuilding…")
            } else {
                say("Building…")
            }
            switch try builder.build(stopRequested: { isStopping }) {
            case .interrupted:
                return
            case .succeeded(let seconds):
                try serveBuild(binary: binPath + "/" + package.product, seconds: seconds)
            case .failed(let errors, let output):
                try showFailure(BuildFailure(title: "Build failed", errors: errors, output: output))
            }
            guard let next = watcher.waitForChanges(stop: stopPipe[0]) else { return }
            changed = next
        } while !isStopping
    }

    /// Starts the new build beside the running one, points nginx at it, then stops the old one.
    private func serveBuild(binary: String, seconds: Double) throws {
        say("Built in \(String(format: "%.1f", seconds)) s.")
        if let table = try? RouteTreeGenerator(appDirectory: package.targetDirectory + "/app").routeTable() {
            say(table, terminator: "")
        }
        generation += 1
        let started: AppInstance
        do {
            started = try AppInstance(builtBinary: binary, generation: generation, work: work, processes: processes)
        } catch let error as DevError {
            try showFailure(BuildFailure(title: "The app did not start", errors: [], output: error.description))
            return
        }
        try nginx.pass(to: started.socket)
        let previous = app
        app = started
        previous?.stop()
        say("Serving http://127.0.0.1:\(port)/ (Ctrl-C stops)")
    }

    /// Serves nothing but the error page until the next good build; prints the errors first.
    private func showFailure(_ failure: BuildFailure) throws {
        var text = "\n\(failure.title)"
        if failure.errors.isEmpty {
            text += ":\n\(failure.output)\n"
        } else {
            text += " (\(failure.errors.count) error\(failure.errors.count == 1 ? "" : "s")):\n"
            for (diagnostic, excerpt) in failure.errors {
                text += "\(diagnostic)\n\(excerpt.rendered(for: diagnostic))\n"
            }
        }
        FileHandle.standardError.write(Data(text.utf8))
        errorPage.show(failure)
        try nginx.pass(to: errorSocket)
        app?.stop()
        app = nil
        FileHandle.standardError.write(Data("Every request gets this error (500) until a build succeeds. Waiting for changes…\n".utf8))
    }

    /// The error page's FastCGI server, on a socket of its own for the whole session.
    private func startErrorServer() throws {
        var logger = Logger(label: "route-handlers.dev")
        logger.logLevel = .warning
        let server = try FastCGIServer(configuration: .init(address: .unix(path: errorSocket)), responder: errorPage, logger: logger)
        errorServer = server
        let done = errorServerDone
        Task.detached {
            await server.run()
            done.signal()
        }
    }

    private func installSignalHandlers() {
        let queue = DispatchQueue(label: "route-handlers.dev.signals")
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in
                if stopping.exchange(true, ordering: .acquiringAndReleasing) { return }
                var byte: UInt8 = 1
                _ = write(stopPipe[1], &byte, 1)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Stops nginx, the app and the error page, and removes the scratch directory.
    func stopEverything() {
        say("\nStopping…")
        nginx.stop()
        app?.stop()
        app = nil
        if let errorServer {
            errorServer.shutdown()
            _ = errorServerDone.wait(timeout: .now() + 10)
        }
        try? FileManager.default.removeItem(atPath: work)
    }
}

/// Writes a line to standard output at once (unbuffered: the terminal, or a log a test reads, sees it now).
func say(_ text: String, terminator: String = "\n") {
    FileHandle.standardOutput.write(Data((text + terminator).utf8))
}
