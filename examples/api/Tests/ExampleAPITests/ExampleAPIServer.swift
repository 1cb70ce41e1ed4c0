import Foundation
import RouteHandlersTestHarness

#if canImport(Glibc)
import Glibc
#endif

/// The example-api executable on a unix socket in a temporary directory, with its own SQLite file (or, with
/// ``ExampleStore/postgres``, its own PostgreSQL database), behind a real nginx: the way a user runs it. Both
/// processes are stopped by pid.
final class ExampleAPIServer: @unchecked Sendable {
    /// The signing secret the app is started with.
    static let webhookSecret = "whsec_test_secret"
    /// The admin API's bearer token the app is started with.
    static let adminToken = "admin-token-for-tests"
    /// The session cookies' signing key the app is started with.
    static let sessionSecret = "session-secret-for-tests-0123456789abcdef"

    let socket: String
    let database: String
    let nginx: NginxHarness
    private let directory: String
    private let environment: [String: String]
    private let lock = NSLock()
    private var app: ChildProcess
    private var starts = 0

    private init(directory: String, environment: [String: String], nginx: NginxHarness, app: ChildProcess) {
        self.directory = directory
        self.socket = directory + "/app.sock"
        self.database = directory + "/example.sqlite"
        self.environment = environment
        self.nginx = nginx
        self.app = app
    }

    /// The app's process, as it is now (``restart(signal:)`` replaces it).
    var process: ChildProcess { lock.withLock { app } }

    static func appEnvironment(directory: String, extra: [String: String]) -> [String: String] {
        [
            "PATH": "/usr/bin:/bin", "EXAMPLE_API_DATABASE": directory + "/example.sqlite",
            "STRIPE_WEBHOOK_SECRET": webhookSecret, "ADMIN_TOKEN": adminToken, "SESSION_SECRET": sessionSecret,
        ].merging(extra) { $1 }
    }

    /// The route include nginx serves the example with, as nginx/run-example does.
    static let routesInclude = repositoryRoot + "/examples/api/nginx-routes.conf"
    /// Its http-level part: the rate limits' zones.
    static let httpRoutesInclude = repositoryRoot + "/examples/api/nginx-routes-http.conf"

    fileprivate static func start(directory: String, extra: [String: String], routes: String) async throws -> ExampleAPIServer {
        // nginx's port first: the app refreshes nginx's cache through it (revalidateTag).
        let port = try freeLoopbackPort()
        let environment = appEnvironment(
            directory: directory, extra: ["ROUTE_HANDLERS_REVALIDATE_VIA": "127.0.0.1:\(port)"].merging(extra) { $1 })
        let app = try await launch(directory: directory, environment: environment, name: "app")
        do {
            // As nginx/run-example serves it: with the route include generated from the app's route table.
            let nginx = try await NginxHarness.start(
                directory: directory, socket: directory + "/app.sock", routes: routes, httpRoutes: httpRoutesInclude,
                port: port)
            return ExampleAPIServer(directory: directory, environment: environment, nginx: nginx, app: app)
        } catch {
            app.stop()
            throw error
        }
    }

    private static func launch(directory: String, environment: [String: String], name: String) async throws -> ChildProcess {
        let socket = directory + "/app.sock"
        let app = try ChildProcess(
            productsDirectory + "/example-api", ["--listen", socket], environment: environment,
            logPrefix: directory + "/" + name)
        // A killed app leaves its socket file behind: wait for the new one to answer, not just to exist.
        let answering = await eventually {
            (try? await CGIFCGI.request(socket: socket, params: CGIFCGI.params("GET", "/api/hello")))?.status == 200
        }
        guard answering else {
            app.stop()
            throw HarnessError("example-api did not start: \(app.errorOutput)")
        }
        return app
    }

    /// Stops the app with `signal` (SIGKILL: no chance to flush or close anything) and starts it again on the
    /// same socket and database; nginx stays up.
    func restart(signal: Int32 = SIGKILL) async throws {
        let old = process
        try await offload { old.stop(signal: signal) }
        let name = lock.withLock {
            starts += 1
            return "app-\(starts)"
        }
        let new = try await Self.launch(directory: directory, environment: environment, name: name)
        lock.withLock { app = new }
    }

    func request(_ path: String, method: String = "GET", headers: [String] = [], body: [UInt8]? = nil) async throws -> ReceivedResponse {
        try await nginx.request(path, method: method, headers: headers, body: body)
    }

    /// A JSON request (`Content-Type: application/json`).
    func send(_ method: String, _ path: String, json: String, headers: [String] = []) async throws -> ReceivedResponse {
        try await request(path, method: method, headers: ["Content-Type: application/json"] + headers, body: Array(json.utf8))
    }

    func stop() {
        nginx.stop()
        process.stop()
    }

    /// The app's stderr, for failure messages.
    var appLog: String { process.errorOutput }
}

/// Where the example keeps its data in a test: the contract is the same on both.
enum ExampleStore: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A SQLite file in the test's directory (the default, as when DATABASE_URL is unset).
    case sqlite
    /// A new database on the test process's PostgreSQL server (``SharedPostgres``), through DATABASE_URL.
    case postgres

    var description: String { rawValue }

    /// The app's environment for this store.
    func environment() async throws -> [String: String] {
        switch self {
        case .sqlite: return [:]
        case .postgres:
            let server = try await SharedPostgres.server
            return ["DATABASE_URL": server.url(database: try await server.createDatabase())]
        }
    }
}

/// Runs `body` with the example API behind nginx, on `store`; always stops both and removes the directory.
/// `routes` is the include of nginx's server block (the generated route include by default).
func withExampleAPI(
    store: ExampleStore = .sqlite, environment: [String: String] = [:], routes: String = ExampleAPIServer.routesInclude,
    _ body: (ExampleAPIServer) async throws -> Void
) async throws {
    let directory = try TemporaryDirectory()
    let extra = try await store.environment().merging(environment) { $1 }
    let server = try await ExampleAPIServer.start(directory: directory.path, extra: extra, routes: routes)
    defer { server.stop() }
    try await body(server)
}

extension ReceivedResponse {
    /// The body as a JSON array of objects.
    func jsonArray() throws -> [[String: Any]] {
        guard let array = try JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]] else {
            throw HarnessError("body is not a JSON array of objects: \(text)")
        }
        return array
    }

    /// The problem document's `detail`, for 4xx answers.
    var problemDetail: String {
        ((try? json())?["detail"] as? String) ?? ""
    }
}
