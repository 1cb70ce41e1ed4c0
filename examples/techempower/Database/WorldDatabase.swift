import NIOCore
import NIOPosix
import PostgresNIO
import RouteHandlers
import RouteHandlersFastCGI

/// The benchmark's database: PostgreSQL through a pool of connections (postgres-nio's `PostgresClient`) on
/// `Application.cores` event loops, which main.swift runs as one of the Application's services. Every query is a
/// prepared statement (Statements.swift). The tables are made on first use when missing (``Schema``); a failed
/// attempt is retried by the next request.
final class WorldDatabase: Sendable {
    let client: PostgresClient
    private let logger: Logger
    private let schema = Once<Void>()
    private let cache = Once<[World]>()

    init(url: DatabaseURL, maximumConnections: Int, logger: Logger = Logger(label: "techempower.postgres")) {
        // As many event loops as this process's share of the cores: under --processes auto, one per worker, as
        // its FastCGI server runs, rather than one per core in every worker.
        let cores = Application.cores
        let group: any EventLoopGroup =
            cores == System.coreCount ? PostgresClient.defaultEventLoopGroup : MultiThreadedEventLoopGroup(numberOfThreads: cores)
        self.client = PostgresClient(
            configuration: url.configuration(maximumConnections: maximumConnections), eventLoopGroup: group, backgroundLogger: logger)
        self.logger = logger
    }

    /// Waits until the tables exist; after the first success, only a lock.
    private func ready() async throws {
        try await schema.value { [client, logger] in try await Schema.create(client, logger: logger) }
    }

    /// The World row with this id.
    func world(id: Int32) async throws -> World {
        try await ready()
        var world: World?
        // Read to the end (one row), which hands the connection back to the pool.
        for try await (id, randomNumber) in try await client.execute(SelectWorld(id: id), logger: logger) {
            world = World(id: id, randomNumber: randomNumber)
        }
        guard let world else { throw HTTPError(.internalServerError, "World \(id) is missing from the database.") }
        return world
    }

    /// The World rows with these ids, one query each (TFB forbids one query for all), one after another on one
    /// connection of the pool, in the order asked. Not concurrently: at 256 clients asking for 500 rows each, a task
    /// and a pool lease per row put 128,000 queries in flight at once, and every request ends late (measured:
    /// Benchmarks/techempower/NOTES.md).
    func worlds(ids: [Int32]) async throws -> [World] {
        try await ready()
        return try await client.withConnection { connection in try await self.worlds(ids: ids, on: connection) }
    }

    /// The rows with these ids, changed by `change` and stored, on one lease of one connection: reading, then
    /// queueing again for the pool to write, would double the wait of every request under load.
    func updating(ids: [Int32], _ change: @Sendable (inout [World]) -> Void) async throws -> [World] {
        try await ready()
        return try await client.withConnection { connection in
            var worlds = try await self.worlds(ids: ids, on: connection)
            change(&worlds)
            try await self.store(worlds, on: connection)
            return worlds
        }
    }

    private func worlds(ids: [Int32], on connection: PostgresConnection) async throws -> [World] {
        var worlds: [World] = []
        worlds.reserveCapacity(ids.count)
        for id in ids {
            for try await (id, randomNumber) in try await connection.execute(SelectWorld(id: id), logger: logger) {
                worlds.append(World(id: id, randomNumber: randomNumber))
            }
        }
        guard worlds.count == ids.count else { throw HTTPError(.internalServerError, "Some World rows are missing from the database.") }
        return worlds
    }

    /// Every Fortune row, in the table's order.
    func fortunes() async throws -> [Fortune] {
        try await ready()
        var fortunes: [Fortune] = []
        for try await (id, message) in try await client.execute(SelectFortunes(), logger: logger) {
            fortunes.append(Fortune(id: id, message: message))
        }
        return fortunes
    }

    /// Stores each world's random number, in one statement, sorted by id so that concurrent updates lock rows in
    /// one order; retried when PostgreSQL still reports a deadlock.
    private func store(_ worlds: [World], on connection: PostgresConnection) async throws {
        let sorted = worlds.sorted { $0.id < $1.id }
        let statement = UpdateWorlds(ids: sorted.map(\.id), randomNumbers: sorted.map(\.randomNumber))
        var attempt = 1
        while true {
            do {
                for try await _ in try await connection.execute(statement, logger: logger) {}
                return
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "40P01" && attempt < 3 {
                // deadlock_detected: PostgreSQL rolled this statement back so that another could go on.
                attempt += 1
            }
        }
    }

    /// Every World row, read once per process on first use and kept (TFB's cached-queries test reads from an
    /// in-process cache; it may lag behind /updates, as a cache does).
    func cachedWorlds() async throws -> [World] {
        try await ready()
        return try await cache.value { [client, logger] in
            var worlds: [World] = []
            worlds.reserveCapacity(Int(World.range.upperBound))
            for try await (id, randomNumber) in try await client.execute(SelectAllWorlds(), logger: logger) {
                worlds.append(World(id: id, randomNumber: randomNumber))
            }
            return worlds
        }
    }
}

/// The database the routes use: PostgreSQL at `DATABASE_URL` (main.swift checks it before serving), with at most
/// `DATABASE_MAX_CONNECTIONS` connections per process (default 20). Nothing connects before the first query.
let database: WorldDatabase = {
    do {
        let url = try DatabaseURL(environment("DATABASE_URL") ?? "")
        let connections = environment("DATABASE_MAX_CONNECTIONS").flatMap(Int.init).map { max($0, 1) } ?? 20
        return WorldDatabase(url: url, maximumConnections: connections)
    } catch {
        // main.swift exits with the reason before anything reads this.
        fatalError("DATABASE_URL: \(error)")
    }
}()
