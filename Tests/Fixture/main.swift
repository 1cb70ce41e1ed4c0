import Dispatch
import FixtureRoutes
import RouteHandlers
import RouteHandlersFastCGI
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

// route-handlers-fixture: the small app the server tests start as a process (spawn-fcgi on fd 0, --listen, the
// supervisor, CGI mode, CGI hosts), so that they exercise the library and not the example apps.
// FIXTURE_FAIL_IF_EXISTS=PATH: exit 3 at once while PATH exists (a worker that crashes on start).
// FIXTURE_EXIT_AFTER_MS=N: exit 4 N ms after starting (a build that comes up, then dies).
//
// With FIXTURE_SERVICE_LOG set, it also runs a service of its own beside the server, which appends
// "<pid> started", "<pid> graceful-shutdown" and "<pid> stopped" to that file, and a route
// /api/logged-sleep?ms=N that appends "<pid> request-started" and, before it answers, "<pid> request-finished":
// the lifecycle tests read the order of those lines.
if let path = getenv("FIXTURE_FAIL_IF_EXISTS"), access(path, F_OK) == 0 { exit(3) }
if let text = getenv("FIXTURE_EXIT_AFTER_MS"), let milliseconds = Int(String(cString: text)) {
    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { exit(4) }
}
var router = fixtureRouter(version: "1")
var services: [any Service] = []
if let path = getenv("FIXTURE_SERVICE_LOG").map({ String(cString: $0) }) {
    let log = LineLog(path: path)
    router.get("/api/logged-sleep") { request, _ in
        let milliseconds = request.url.searchParams.get("ms").flatMap { Int($0) } ?? 100
        log.append("request-started")
        try await Task.sleep(for: .milliseconds(milliseconds))
        log.append("request-finished")
        return .json(["slept": "\(milliseconds)ms"])
    }
    services.append(LoggingService(log: log))
}
await Application(router: router, services: services).run()

/// Appends lines to a file, each in one write (O_APPEND), so that processes can share it.
struct LineLog: Sendable {
    let path: String

    func append(_ event: String) {
        let line = Array("\(getpid()) \(event)\n".utf8)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

/// A stand-in for a database client: runs until the group shuts down gracefully.
struct LoggingService: Service {
    let log: LineLog

    func run() async throws {
        log.append("started")
        try? await gracefulShutdown()
        log.append("graceful-shutdown")
        log.append("stopped")
    }
}
