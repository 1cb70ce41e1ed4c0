import CSQLite
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// The example's SQLite database (``SQLiteStore``'s): one connection, used from one serial queue.
///
/// SQLite calls block (disk I/O, fsync, busy waits), so they run on that queue rather than on Swift's cooperative
/// thread pool, and callers `await` them. One connection on one queue also serializes writes, so concurrent
/// requests never lose a row or see `SQLITE_BUSY` from each other.
///
/// The file is opened on first use, so the process can start (and print its usage) without touching the disk.
/// WAL with `synchronous=NORMAL`: a committed transaction survives the process being killed (even with
/// `kill -9`); only a power loss can drop the last few.
final class Database: @unchecked Sendable {
    // @unchecked: `connection` is only read or written on `queue`.
    private let queue = DispatchQueue(label: "example-api.database")
    private var connection: SQLiteConnection?
    let path: String

    init(path: String) {
        self.path = path
    }

    /// Runs `body` with the connection on the database queue, inside a transaction: committed when `body`
    /// returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.inTransaction(body) })
            }
        }
    }

    private func inTransaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let connection = try open()
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let result = try body(connection)
            try connection.execute("COMMIT")
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// The connection, opened and migrated on first use. A failed open is retried by the next request.
    private func open() throws -> SQLiteConnection {
        if let connection { return connection }
        let connection = try SQLiteConnection(path: path)
        try connection.execute(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA busy_timeout = 5000;
            PRAGMA foreign_keys = ON;
            CREATE TABLE IF NOT EXISTS users (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                email TEXT NOT NULL UNIQUE
            );
            CREATE TABLE IF NOT EXISTS posts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                title TEXT NOT NULL,
                body TEXT NOT NULL,
                author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE
            );
            CREATE INDEX IF NOT EXISTS posts_author_id ON posts(author_id);
            CREATE TABLE IF NOT EXISTS audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            );
            CREATE TABLE IF NOT EXISTS sessions (
                id TEXT PRIMARY KEY,
                data TEXT NOT NULL,
                expires INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS tagged_paths (
                tag TEXT NOT NULL,
                path TEXT NOT NULL,
                PRIMARY KEY (tag, path)
            );
            """)
        self.connection = connection
        return connection
    }
}

/// An environment variable, or nil when unset or empty.
func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    let string = String(cString: value)
    return string.isEmpty ? nil : string
}
