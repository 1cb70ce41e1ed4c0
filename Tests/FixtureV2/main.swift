import FixtureRoutes
import RouteHandlersFastCGI

// route-handlers-fixture-v2: the fixture as a different build, for reload tests: `/api/version` answers "2".
await Application(router: fixtureRouter(version: "2")).run()
