#if PostgreSQL
import PostgresNIO
import RouteHandlers

/// The shared store: PostgreSQL through a pool of connections (postgres-nio's `PostgresClient`), for several
/// app hosts behind one nginx. No host keeps state another needs, so a write through one host is read through any.
///
/// The client works only while it runs: main.swift hands it to the Application as a service
/// (swift-service-lifecycle), which runs it beside the server and shuts it down after the last request. The schema
/// is migrated at start and by the first call that finds it not done (see ``PostgresSchema``); a failed migration
/// is retried by the next call.
final class PostgresStore: Store {
    let client: PostgresClient
    let url: DatabaseURL
    private let logger: Logger
    private let schema = SchemaGate()

    init(url: String, logger: Logger = Logger(label: "example-api.postgres")) throws {
        self.url = try DatabaseURL(url)
        self.logger = logger
        self.client = PostgresClient(configuration: self.url.configuration(), backgroundLogger: logger)
    }

    /// Creates or migrates the schema, once per process (again after a failure).
    func ready() async throws {
        try await schema.once { [client, logger] in try await PostgresSchema.migrate(client, logger: logger) }
    }

    func allUsers() async throws -> [User] {
        try await ready()
        return try await users(client.query("SELECT id, name, email FROM users ORDER BY id", logger: logger))
    }

    func user(_ id: Int64) async throws -> User? {
        try await ready()
        return try await users(client.query("SELECT id, name, email FROM users WHERE id = \(id)", logger: logger)).first
    }

    func createUser(_ input: UserInput) async throws -> User {
        try await ready()
        do {
            let rows = try await client.query(
                "INSERT INTO users (name, email) VALUES (\(bytes(input.name)), \(bytes(input.email))) RETURNING id",
                logger: logger)
            guard let id = try await firstID(rows) else { throw HTTPError(.internalServerError) }
            return User(id: id, name: input.name, email: input.email)
        } catch let error as PSQLError where error.sqlState == .uniqueViolation {
            throw Users.duplicateEmail(input.email)
        }
    }

    func replaceUser(_ id: Int64, with input: UserInput) async throws -> User? {
        try await ready()
        do {
            let rows = try await client.query(
                "UPDATE users SET name = \(bytes(input.name)), email = \(bytes(input.email)) WHERE id = \(id) RETURNING id",
                logger: logger)
            return try await firstID(rows) == nil ? nil : User(id: id, name: input.name, email: input.email)
        } catch let error as PSQLError where error.sqlState == .uniqueViolation {
            throw Users.duplicateEmail(input.email)
        }
    }

    func deleteUser(_ id: Int64) async throws -> Bool {
        try await ready()
        // The posts go with the user: ON DELETE CASCADE.
        return try await firstID(client.query("DELETE FROM users WHERE id = \(id) RETURNING id", logger: logger)) != nil
    }

    func allPosts() async throws -> [Post] {
        try await ready()
        let rows = try await client.query("SELECT id, title, body, author_id FROM posts ORDER BY id", logger: logger)
        var posts: [Post] = []
        for try await (id, title, body, authorId) in rows.decode((Int64, ByteBuffer, ByteBuffer, Int64).self) {
            posts.append(Post(id: id, title: String(buffer: title), body: String(buffer: body), authorId: authorId))
        }
        return posts
    }

    func createPost(_ input: PostInput) async throws -> Post {
        try await ready()
        do {
            let rows = try await client.query(
                """
                INSERT INTO posts (title, body, author_id) VALUES (\(bytes(input.title)), \(bytes(input.body)), \(input.authorId))
                RETURNING id
                """,
                logger: logger)
            guard let id = try await firstID(rows) else { throw HTTPError(.internalServerError) }
            return Post(id: id, title: input.title, body: input.body, authorId: input.authorId)
        } catch let error as PSQLError where error.sqlState == .foreignKeyViolation {
            throw Posts.unknownAuthor(input.authorId)
        }
    }

    func recordAudit(_ action: String, subject: String) async throws {
        try await ready()
        try await client.query("INSERT INTO audit (action, subject) VALUES (\(action), \(subject))", logger: logger)
    }

    func loadSession(_ id: String) async throws -> String? {
        try await ready()
        let rows = try await client.query("SELECT data FROM sessions WHERE id = \(id) AND expires > now()", logger: logger)
        for try await (data) in rows.decode(String.self) { return data }
        return nil
    }

    func saveSession(_ id: String, data: String, seconds: Int64) async throws {
        try await ready()
        let seconds = Double(seconds)
        try await client.query("DELETE FROM sessions WHERE expires <= now()", logger: logger)
        try await client.query(
            """
            INSERT INTO sessions (id, data, expires) VALUES (\(id), \(data), now() + make_interval(secs => \(seconds)))
            ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, expires = EXCLUDED.expires
            """,
            logger: logger)
    }

    func deleteSession(_ id: String) async throws {
        try await ready()
        try await client.query("DELETE FROM sessions WHERE id = \(id)", logger: logger)
    }

    func recordTaggedPath(_ path: String, tag: String) async throws {
        try await ready()
        try await client.query("INSERT INTO tagged_paths (tag, path) VALUES (\(tag), \(path)) ON CONFLICT DO NOTHING", logger: logger)
    }

    func taggedPaths(_ tags: [String]) async throws -> [String] {
        try await ready()
        let rows = try await client.query("SELECT DISTINCT path FROM tagged_paths WHERE tag = ANY(\(tags)) ORDER BY path", logger: logger)
        var paths: [String] = []
        for try await (path) in rows.decode(String.self) { paths.append(path) }
        return paths
    }

    func auditEntries() async throws -> [AuditEntry] {
        try await ready()
        let rows = try await client.query(
            """
            SELECT id, action, subject, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            FROM audit ORDER BY id DESC
            """,
            logger: logger)
        var entries: [AuditEntry] = []
        for try await (id, action, subject, at) in rows.decode((Int64, String, String, String).self) {
            entries.append(AuditEntry(id: id, action: action, subject: subject, at: at))
        }
        return entries
    }

    func counts() async throws -> Stats.Counts {
        try await ready()
        let rows = try await client.query("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM posts)", logger: logger)
        for try await (users, posts) in rows.decode((Int64, Int64).self) {
            return Stats.Counts(users: users, posts: posts)
        }
        return Stats.Counts(users: 0, posts: 0)
    }

    private func users(_ rows: PostgresRowSequence) async throws -> [User] {
        var users: [User] = []
        for try await (id, name, email) in rows.decode((Int64, ByteBuffer, ByteBuffer).self) {
            users.append(User(id: id, name: String(buffer: name), email: String(buffer: email)))
        }
        return users
    }

    private func firstID(_ rows: PostgresRowSequence) async throws -> Int64? {
        var first: Int64?
        // Read to the end, which hands the connection back to the pool.
        for try await id in rows.decode(Int64.self) where first == nil { first = id }
        return first
    }

    /// A string as `bytea`: its UTF-8 bytes (see ``PostgresSchema`` for why not `text`).
    private func bytes(_ string: String) -> ByteBuffer {
        ByteBuffer(string: string)
    }
}

extension PSQLError {
    /// The SQLSTATE of an error the server reported.
    var sqlState: PostgresError.Code? {
        serverInfo?[.sqlState].map(PostgresError.Code.init(raw:))
    }
}

/// Runs a piece of async work once, sharing it among concurrent callers; after a failure, the next caller tries again.
actor SchemaGate {
    private var done = false
    private var running: Task<Void, any Error>?

    func once(_ work: @escaping @Sendable () async throws -> Void) async throws {
        if done { return }
        let task = running ?? Task { try await work() }
        running = task
        do {
            try await task.value
            done = true
        } catch {
            if running == task { running = nil }
            throw error
        }
    }
}

extension PostgresStore {
    /// Starts the migration in the background, so that the schema is ready before the first request needs it.
    /// It waits for a connection, which the pool hands out once ``client`` runs as one of the Application's
    /// services (main.swift).
    func migrateAtStart() {
        Task.detached {
            do {
                try await self.ready()
            } catch {
                // Requests retry it; the operator sees why the first attempt failed.
                self.logger.error("Cannot migrate the database at \(self.url.host):\(self.url.port): \(String(reflecting: error))")
            }
        }
    }
}
#endif
