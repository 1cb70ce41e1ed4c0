import PostgresNIO

// The benchmark's queries as prepared statements: each connection prepares one the first time it runs it, then
// only binds and executes it (TFB allows, and most entries use, prepared statements). The table and column
// names are TFB's unquoted ones, which PostgreSQL folds to lower case: world(id, randomnumber), fortune(id, message).

/// One World row by id.
struct SelectWorld: PostgresPreparedStatement {
    static let sql = "SELECT id, randomnumber FROM world WHERE id = $1"
    typealias Row = (Int32, Int32)

    var id: Int32

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// Every World row, for the cache.
struct SelectAllWorlds: PostgresPreparedStatement {
    static let sql = "SELECT id, randomnumber FROM world"
    typealias Row = (Int32, Int32)

    func makeBindings() -> PostgresBindings { PostgresBindings() }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// Every Fortune row.
struct SelectFortunes: PostgresPreparedStatement {
    static let sql = "SELECT id, message FROM fortune"
    typealias Row = (Int32, String)

    func makeBindings() -> PostgresBindings { PostgresBindings() }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// New random numbers for several World rows in one statement (TFB allows a batched update), the pairs sent as
/// two arrays. The rows come sorted by id, so that two concurrent updates of overlapping rows mostly lock them in
/// the same order and queue; the planner does not promise that order, so a deadlock is retried (see
/// ``WorldDatabase/update(_:)``). No `SELECT` in it: TFB's verifier counts the rows of every statement naming
/// `world` and `select` as rows read.
struct UpdateWorlds: PostgresPreparedStatement {
    static let sql = """
        UPDATE world SET randomnumber = v.randomnumber
        FROM unnest($1::int[], $2::int[]) AS v(id, randomnumber)
        WHERE world.id = v.id
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
