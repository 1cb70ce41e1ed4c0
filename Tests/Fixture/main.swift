import FixtureRoutes
import RouteHandlersFastCGI

// route-handlers-fixture: the small app the server tests start as a process (spawn-fcgi on fd 0, --listen, the
// supervisor, CGI mode, CGI hosts), so that they exercise the library and not the example apps.
await Application(router: fixtureRouter()).run()
