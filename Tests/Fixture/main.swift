import FixtureRoutes
import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#endif

// route-handlers-fixture: the small app the server tests start as a process (spawn-fcgi on fd 0, --listen, the
// supervisor, CGI mode, CGI hosts), so that they exercise the library and not the example apps.
// FIXTURE_FAIL_IF_EXISTS=PATH: exit 3 at once while PATH exists (a worker that crashes on start).
if let path = getenv("FIXTURE_FAIL_IF_EXISTS"), access(path, F_OK) == 0 { exit(3) }
await Application(router: fixtureRouter(version: "1")).run()
