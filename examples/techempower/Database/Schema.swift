import PostgresNIO

/// TFB's tables and data (toolset/databases/postgres/create-postgres.sql), created when a process first uses a
/// database that lacks them, so the app runs on an empty database as on TFB's own.
///
/// TFB's script makes each table twice: unquoted (`World`, which PostgreSQL folds to `world`, and `Fortune`),
/// which the app queries, and quoted (`"World"`, `"Fortune"`), which TFB's verifier reads too when it checks that
/// updates were persisted; both are made here so that its checks find what they expect. Several processes may
/// start at once: each takes the same transaction-scoped advisory lock first, so one fills the tables while the
/// others wait and then find them full.
enum Schema {
    /// Any constant every process shares: the key of the advisory lock held while creating.
    static let lockKey: Int64 = 0x7466_625F_7365_6564  // "tfb_seed"

    /// The Fortune table's twelve rows, TFB's exact messages (the script, the HTML markup and the non-ASCII text
    /// are what the fortunes test checks the escaping and the UTF-8 with).
    static let fortunes: [Fortune] = [
        Fortune(id: 1, message: "fortune: No such file or directory"),
        Fortune(id: 2, message: "A computer scientist is someone who fixes things that aren't broken."),
        Fortune(id: 3, message: "After enough decimal places, nobody gives a damn."),
        Fortune(id: 4, message: "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
        Fortune(id: 5, message: "A computer program does what you tell it to do, not what you want it to do."),
        Fortune(id: 6, message: "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"),
        Fortune(id: 7, message: "Any program that runs right is obsolete."),
        Fortune(id: 8, message: "A list is only as strong as its weakest link. — Donald Knuth"),
        Fortune(id: 9, message: "Feature: A bug with seniority."),
        Fortune(id: 10, message: "Computers make very fast, very accurate mistakes."),
        Fortune(id: 11, message: "<script>alert(\"This should not be displayed in a browser alert box.\");</script>"),
        Fortune(id: 12, message: "フレームワークのベンチマーク"),
    ]

    /// Creates and fills whichever of the four tables is missing or empty, in one transaction.
    static func create(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            for world in ["World", "\"World\""] {
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS \(unescaped: world) (
                        id integer NOT NULL, randomNumber integer NOT NULL DEFAULT 0, PRIMARY KEY (id))
                    """, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: world) (id, randomnumber)
                    SELECT x.id, least(floor(random() * 10000 + 1), 10000) FROM generate_series(1, 10000) AS x(id)
                    WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: world))
                    """, logger: logger)
            }
            for fortune in ["Fortune", "\"Fortune\""] {
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS \(unescaped: fortune) (
                        id integer NOT NULL, message varchar(2048) NOT NULL, PRIMARY KEY (id))
                    """, logger: logger)
                var empty = false
                for try await count in try await connection.query("SELECT count(*) FROM \(unescaped: fortune)", logger: logger)
                    .decode(Int64.self)
                { empty = count == 0 }
                guard empty else { continue }
                for row in fortunes {
                    try await connection.query(
                        "INSERT INTO \(unescaped: fortune) (id, message) VALUES (\(row.id), \(row.message))", logger: logger)
                }
            }
        }
    }
}
