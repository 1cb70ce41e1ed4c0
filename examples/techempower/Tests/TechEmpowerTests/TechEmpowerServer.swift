import Foundation
import RouteHandlersTestHarness

#if canImport(Glibc)
import Glibc
#endif

/// The techempower executable on a unix socket in a temporary directory, on a new, empty database of the test
/// process's PostgreSQL (``SharedPostgres``), behind a real nginx with nginx/techempower-site.conf: the way
/// nginx/run-techempower serves it. Both processes are stopped by pid.
final class TechEmpowerServer: Sendable {
    let nginx: NginxHarness
    let app: ChildProcess
    let postgres: PostgresServer
    /// The app's database on ``postgres``.
    let database: String

    private init(nginx: NginxHarness, app: ChildProcess, postgres: PostgresServer, database: String) {
        self.nginx = nginx
        self.app = app
        self.postgres = postgres
        self.database = database
    }

    /// Starts the app (under its master with `processes`, else alone) and nginx, and waits until the app answers
    /// from the database: its first query has created and filled the tables.
    static func start(directory: String, processes: Int? = nil) async throws -> TechEmpowerServer {
        let postgres = try await SharedPostgres.server
        let database = try await postgres.createDatabase()
        let socket = directory + "/app.sock"
        let app = try ChildProcess(
            productsDirectory + "/techempower", ["--listen", socket] + (processes.map { ["--processes", String($0)] } ?? []),
            environment: ["PATH": "/usr/bin:/bin", "DATABASE_URL": postgres.url(database: database)],
            logPrefix: directory + "/app")
        let nginx: NginxHarness
        do {
            nginx = try await NginxHarness.start(directory: directory, socket: socket, site: "techempower-site.conf")
        } catch {
            app.stop()
            throw error
        }
        let server = TechEmpowerServer(nginx: nginx, app: app, postgres: postgres, database: database)
        // The first request waits for the tables; a loaded machine may take a while to make 20,000 rows.
        let answering = await eventually(seconds: 60) { (try? await server.request("/db"))?.status == 200 }
        guard answering else {
            server.stop()
            throw HarnessError("techempower did not answer /db: \(app.errorOutput) \(nginx.errorLog)")
        }
        return server
    }

    func request(_ path: String) async throws -> ReceivedResponse {
        try await nginx.request(path)
    }

    /// Runs SQL on the app's database through psql: its rows, one a line, columns split by `|`.
    @discardableResult
    func sql(_ query: String) async throws -> [[String]] {
        try await postgres.psql(query, database: database)
            .split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Every row of `table` (`world` or `"World"`) as id → randomNumber.
    func worldTable(_ table: String = "world") async throws -> [Int: Int] {
        var rows: [Int: Int] = [:]
        for row in try await sql("SELECT id, randomnumber FROM \(table)") where row.count == 2 {
            if let id = Int(row[0]), let number = Int(row[1]) { rows[id] = number }
        }
        return rows
    }

    func stop() {
        nginx.stop()
        app.stop()
    }
}

/// Runs `body` with the app behind nginx on a database of its own; always stops both and removes the directory.
func withTechEmpower(processes: Int? = nil, _ body: (TechEmpowerServer) async throws -> Void) async throws {
    let directory = try TemporaryDirectory()
    let server = try await TechEmpowerServer.start(directory: directory.path, processes: processes)
    defer { server.stop() }
    try await body(server)
}
