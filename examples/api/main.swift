import RouteHandlers
import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#endif

// The example API. Started by spawn-fcgi (socket on fd 0), with --listen, or as a CGI script.
// Its routes are the files under app/ (app/api/hello/route.swift answers GET /api/hello), compiled into
// `Router.app()` by RouteTreePlugin at build time. Code the routes share lives beside app/: Database/ (the
// store: PostgreSQL at DATABASE_URL when set, else SQLite at EXAMPLE_API_DATABASE, default ./example-api.sqlite,
// opened on first use), Models/, Webhooks/ (Stripe signatures, with the secret from STRIPE_WEBHOOK_SECRET).

if let url = environment("DATABASE_URL") {
    #if PostgreSQL
    do {
        _ = try DatabaseURL(url)
    } catch {
        fail("example-api: DATABASE_URL: \(error) (expected postgres://user:password@host:port/database)")
    }
    #else
    // Built with --disable-default-traits (nginx/run-example without DATABASE_URL): no PostgreSQL store.
    fail("example-api: DATABASE_URL is set, but this build has no PostgreSQL (build with the PostgreSQL trait, the default)")
    #endif
}
// With PostgreSQL, the client's connection pool runs as a service beside the server (under --processes, in each
// worker), and is shut down after the server has drained.
#if PostgreSQL
let postgres = currentStore as? PostgresStore
postgres?.migrateAtStart()
#endif
// Every error no route answered (a 500, or a 5xx it threw) goes to the audit log with its status, route and request
// id, once the response is out: the counterpart of Next.js's onRequestError. A failure to record it is only logged.
// The paths tagged answers were cached under go in the database too, so that a write on any host refreshes them all.
let configuration = RouteResponder.Configuration(
    onRequestError: { report in
        let route = report.routePattern ?? report.request.url.pathname
        try? await Audit.record("request.failed", subject: "\(report.status.code) \(report.request.method) \(route) \(report.requestID)")
    }, taggedPathIndex: DatabaseTaggedPathIndex())
#if PostgreSQL
await Application(router: .app(), configuration: configuration, services: postgres.map { [$0.client] } ?? []).run()
#else
await Application(router: .app(), configuration: configuration).run()
#endif

/// Prints `message` to stderr and exits 64 (EX_USAGE), before anything is served.
func fail(_ message: String) -> Never {
    let line = message + "\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(64)
}
