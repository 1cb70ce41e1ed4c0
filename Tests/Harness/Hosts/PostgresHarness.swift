import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of Debian's package (`postgresql`), with its own data directory in a temporary
/// directory, on 127.0.0.1 (and `extraAddress`, for app hosts on a test network), with trust authentication
/// for user `postgres`. PostgreSQL refuses to run as root: as root it runs as the `postgres` user (which the
/// package creates), through setpriv so that the pid we hold is the server's own.
public final class PostgresServer: @unchecked Sendable {
    public let port: Int
    public let directory: String
    public let process: ChildProcess
    private let bin: String

    private init(port: Int, directory: String, process: ChildProcess, bin: String) {
        self.port = port
        self.directory = directory
        self.process = process
        self.bin = bin
    }

    /// The newest installed server's bin directory, such as /usr/lib/postgresql/15/bin.
    public static func binDirectory() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted()
        guard let version = versions.last, FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/postgres") else {
            throw HarnessError("PostgreSQL is not installed (apt-get install postgresql; .ci/install-deps does)")
        }
        return "\(root)/\(version)/bin"
    }

    /// Runs `executable` as the `postgres` user when we are root, else as ourselves.
    private static func command(_ executable: String, _ arguments: [String]) throws -> (String, [String]) {
        guard getuid() == 0 else { return (executable, arguments) }
        guard let user = getpwnam("postgres") else { throw HarnessError("running as root, and there is no postgres user") }
        return (
            "/usr/bin/setpriv",
            [
                "--reuid=\(user.pointee.pw_uid)", "--regid=\(user.pointee.pw_gid)", "--clear-groups",
                "--", executable,
            ] + arguments
        )
    }

    /// initdb into `directory`/data, then starts the server and waits until it accepts connections.
    /// `extraAddress` (such as 10.200.0.1) is listened on too, and `extraNetwork` (10.200.0.0/24) trusted.
    public static func start(directory: String, extraAddress: String? = nil, extraNetwork: String? = nil) async throws -> PostgresServer {
        let bin = try binDirectory()
        if getuid() == 0, let user = getpwnam("postgres") {
            // The data directory's parent must be the server's to enter.
            guard chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                throw HarnessError("cannot chown \(directory) to postgres")
            }
        }
        let data = directory + "/data"
        let (initdb, initArguments) = try command(
            bin + "/initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        let initialised = try await runCommand(initdb, initArguments, environment: ["PATH": "/usr/bin:/bin"], seconds: 120)
        guard initialised.status == 0 else {
            throw HarnessError("initdb failed: \(initialised.error) \(String(decoding: initialised.output, as: UTF8.self))")
        }
        if let extraNetwork {
            let line = "host all all \(extraNetwork) trust\n"
            guard let handle = FileHandle(forWritingAtPath: data + "/pg_hba.conf") else { throw HarnessError("no pg_hba.conf") }
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            handle.closeFile()
        }
        let port = try freeLoopbackPort()
        let addresses = ["127.0.0.1", extraAddress].compactMap { $0 }.joined(separator: ",")
        // Tests need no durability from the database server (they never kill it), but many connections: each
        // app process pools up to 10 and tests run in parallel.
        let (postgres, arguments) = try command(
            bin + "/postgres",
            [
                "-D", data, "-k", directory, "-h", addresses, "-p", String(port),
                "-c", "max_connections=400", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            ])
        let process = try ChildProcess(postgres, arguments, environment: ["PATH": "/usr/bin:/bin"], logPrefix: directory + "/postgres")
        let server = PostgresServer(port: port, directory: directory, process: process, bin: bin)
        let ready = await eventually(seconds: 60) {
            guard process.isRunning else { return false }
            return (try? await runCommand(bin + "/pg_isready", ["-h", "127.0.0.1", "-p", String(port)], seconds: 10))?.status == 0
        }
        guard ready else {
            process.stop(signal: SIGINT)
            throw HarnessError("PostgreSQL did not start: \(process.errorOutput)")
        }
        return server
    }

    /// `postgres://postgres@HOST:PORT/DATABASE`, for DATABASE_URL.
    public func url(database: String, host: String = "127.0.0.1") -> String {
        "postgres://postgres@\(host):\(port)/\(database)"
    }

    /// Runs SQL through psql as `postgres`, on database `postgres`; throws on failure.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        let result = try await runCommand(
            "/usr/bin/psql",
            [
                "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-X", "-q", "-A", "-t",
                "-v", "ON_ERROR_STOP=1", "-c", sql,
            ],
            environment: ["PATH": "/usr/bin:/bin"], seconds: 60)
        guard result.status == 0 else { throw HarnessError("psql \(sql): \(result.error)") }
        return String(decoding: result.output, as: UTF8.self)
    }

    /// A new, empty database, so that each test starts with ids at 1.
    public func createDatabase() async throws -> String {
        let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await psql("CREATE DATABASE \(name)")
        return name
    }

    /// Stops the server (fast shutdown: open sessions are ended) and reaps it.
    public func stop() {
        process.stop(signal: SIGINT)
    }
}

/// One PostgreSQL server for the whole test process, started on first use in a temporary directory and stopped
/// (and the directory removed) when the process exits.
public enum SharedPostgres {
    private static let task = Task { () throws -> PostgresServer in
        var template = Array("/tmp/rh-pg.XXXXXX".utf8CString)
        guard let result = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
        let directory = String(cString: result)
        let server = try await PostgresServer.start(directory: directory)
        stopAtExit.withLock { $0 = server }
        atexit {
            guard let server = SharedPostgres.stopAtExit.withLock({ $0 }) else { return }
            server.stop()
            try? FileManager.default.removeItem(atPath: server.directory)
        }
        return server
    }

    private static let stopAtExit = Mutex<PostgresServer?>(nil)

    public static var server: PostgresServer {
        get async throws { try await task.value }
    }
}
