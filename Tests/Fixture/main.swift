import Dispatch
import FixtureRoutes
import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#endif

// route-handlers-fixture: the small app the server tests start as a process (spawn-fcgi on fd 0, --listen, the
// supervisor, CGI mode, CGI hosts), so that they exercise the library and not the example apps.
// FIXTURE_FAIL_IF_EXISTS=PATH: exit 3 at once while PATH exists (a worker that crashes on start).
// FIXTURE_EXIT_AFTER_MS=N: exit 4 N ms after starting (a build that comes up, then dies).
if let path = getenv("FIXTURE_FAIL_IF_EXISTS"), access(path, F_OK) == 0 { exit(3) }
if let text = getenv("FIXTURE_EXIT_AFTER_MS"), let milliseconds = Int(String(cString: text)) {
    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { exit(4) }
}
await Application(router: fixtureRouter(version: "1")).run()
