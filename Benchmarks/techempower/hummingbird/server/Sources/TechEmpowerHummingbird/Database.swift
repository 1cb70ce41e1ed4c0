import Hummingbird
import PostgresNIO
import Synchronization

// TFB's queries as prepared statements (each connection prepares one on first use), on the unquoted tables of
// create-postgres.sql: world(id, randomnumber), fortune(id, message).

struct SelectWorld: PostgresPreparedStatement {
    static let sql = "SELECT id, randomnumber FROM world WHERE id = $1"
    typealias Row = (Int32, Int32)
    var id: Int32

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

struct SelectAllWorlds: PostgresPreparedStatement {
    static let sql = "SELECT id, randomnumber FROM world"
    typealias Row = (Int32, Int32)

    func makeBindings() -> PostgresBindings { PostgresBindings() }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

struct SelectFortunes: PostgresPreparedStatement {
    static let sql = "SELECT id, message FROM fortune"
    typealias Row = (Int32, String)

    func makeBindings() -> PostgresBindings { PostgresBindings() }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Several rows' new numbers in one statement (TFB allows a batched update), rows sorted by id so that
/// concurrent updates of overlapping rows lock them in the same order; the same statement as the route-handlers app's.
struct UpdateWorlds: PostgresPreparedStatement {
    static let sql = """
        UPDATE world SET randomnumber = new.randomnumber
        FROM (SELECT * FROM unnest($1::int[], $2::int[]) AS v(id, randomnumber) ORDER BY id) AS new
        WHERE world.id = new.id
        """
    typealias Row = Void
    var ids: [Int32]
    var randomNumbers: [Int32]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(ids)
        bindings.append(randomNumbers)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws {}
}

/// The World table: single rows; several rows, one query each, one after the other on one connection of the
/// pool (as TFB's Hummingbird 2 entry reads them); the batched update, on the connection that read the rows; and
/// the in-process cache.
final class WorldStore: Sendable {
    let client: PostgresClient
    private enum CacheState { case empty, loading(Task<[World], any Error>), loaded([World]) }
    private let cache = Mutex<CacheState>(.empty)

    init(client: PostgresClient) { self.client = client }

    func world(id: Int32, logger: Logger) async throws -> World {
        try await Self.world(id: id, on: client.execute(SelectWorld(id: id), logger: logger))
    }

    func worlds(ids: [Int32], logger: Logger) async throws -> [World] {
        try await client.withConnection { connection in
            try await Self.worlds(ids: ids, on: connection, logger: logger)
        }
    }

    /// Reads the rows with these ids, gives each a new number from `renumber` and stores them in one statement.
    func update(ids: [Int32], logger: Logger, renumber: @Sendable (World) -> Int32) async throws -> [World] {
        try await client.withConnection { connection in
            var worlds = try await Self.worlds(ids: ids, on: connection, logger: logger)
            for index in worlds.indices { worlds[index].randomNumber = renumber(worlds[index]) }
            let sorted = worlds.sorted { $0.id < $1.id }
            let statement = UpdateWorlds(ids: sorted.map(\.id), randomNumbers: sorted.map(\.randomNumber))
            var attempt = 1
            while true {
                do {
                    for try await _ in try await connection.execute(statement, logger: logger) {}
                    return worlds
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "40P01" && attempt < 3 {
                    // deadlock_detected: PostgreSQL rolled this one back so that the other could go on; try again.
                    attempt += 1
                }
            }
        }
    }

    private static func worlds(ids: [Int32], on connection: PostgresConnection, logger: Logger) async throws -> [World] {
        var worlds: [World] = []
        worlds.reserveCapacity(ids.count)
        for id in ids {
            worlds.append(try await world(id: id, on: connection.execute(SelectWorld(id: id), logger: logger)))
        }
        return worlds
    }

    private static func world(id: Int32, on rows: some AsyncSequence<(Int32, Int32), any Error>) async throws -> World {
        var world: World?
        // Reading the stream to its end hands the connection back (to the pool, or to the next query).
        for try await (id, randomNumber) in rows { world = World(id: id, randomNumber: randomNumber) }
        guard let world else { throw HTTPError(.internalServerError, message: "World \(id) is missing") }
        return world
    }

    /// Every World row, read once on first use and kept (it may lag behind /updates, as a cache does).
    func cached(logger: Logger) async throws -> [World] {
        let loading: Task<[World], any Error>
        switch cache.withLock({ state -> CacheState in
            if case .empty = state {
                state = .loading(
                    Task { [client] in
                        var worlds: [World] = []
                        worlds.reserveCapacity(10_000)
                        for try await (id, randomNumber) in try await client.execute(SelectAllWorlds(), logger: logger) {
                            worlds.append(World(id: id, randomNumber: randomNumber))
                        }
                        return worlds
                    })
            }
            return state
        }) {
        case .loaded(let worlds): return worlds
        case .loading(let task): loading = task
        case .empty: preconditionFailure("the cache was just set loading")
        }
        do {
            let worlds = try await loading.value
            cache.withLock { $0 = .loaded(worlds) }
            return worlds
        } catch {
            // The next request tries again.
            cache.withLock { $0 = .empty }
            throw error
        }
    }
}
