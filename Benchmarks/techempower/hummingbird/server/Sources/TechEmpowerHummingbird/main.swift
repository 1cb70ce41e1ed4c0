import Foundation
import Hummingbird
import PostgresNIO

// TFB's test types on Hummingbird 2, as TFB's own entry (frameworks/Swift/hummingbird2) is built: a Router with
// one route collection per kind of test, PostgresClient run as a service of the Application. Configuration from
// the environment: PORT (8080), DATABASE_URL (postgres://user:password@host:port/database, required) and
// DATABASE_MAX_CONNECTIONS (the pool, 40: what the route-handlers app's two workers hold together).

func run() async throws {
    let env = Environment()
    let port = env.get("PORT", as: Int.self) ?? 8080
    guard let url = env.get("DATABASE_URL").flatMap({ URLComponents(string: $0) }), let host = url.host, let user = url.user
    else {
        FileHandle.standardError.write(
            Data("techempower-hummingbird: DATABASE_URL=postgres://user:password@host:port/database is required\n".utf8))
        exit(64)
    }
    var configuration = PostgresClient.Configuration(
        host: host, port: url.port ?? 5432, username: user, password: url.password,
        database: String(url.path.dropFirst()), tls: .disable)
    configuration.options.maximumConnections = env.get("DATABASE_MAX_CONNECTIONS", as: Int.self) ?? 40
    let client = PostgresClient(configuration: configuration, backgroundLogger: Logger(label: "postgres"))
    let worlds = WorldStore(client: client)

    let router = Router()
    router.addRoutes(PlainController().routes)
    router.addRoutes(WorldController(worlds: worlds).routes)
    router.addRoutes(FortunesController(client: client).routes)

    var app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "Hummingbird", backlog: 8192)
    )
    app.addServices(client)
    try await app.runService()
}

try await run()
