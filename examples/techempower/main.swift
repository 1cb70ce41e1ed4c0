import RouteHandlers
import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#endif

// The TechEmpower Framework Benchmarks app: its routes are the files under app/ (app/db/route.swift answers
// GET /db), compiled into `Router.app()` by RouteTreePlugin. The database is PostgreSQL at DATABASE_URL
// (Database/): the tables are created and filled with TFB's data on first use when they are missing.

do {
    _ = try DatabaseURL(environment("DATABASE_URL") ?? "")
} catch {
    let message = "techempower: DATABASE_URL: \(error) (expected postgres://user:password@host:port/database)\n"
    _ = message.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(64)
}
// The client's connection pool runs as a service beside the server (under --processes, in each worker) and is
// shut down after the server has drained.
await Application(router: .app(), services: [database.client]).run()
