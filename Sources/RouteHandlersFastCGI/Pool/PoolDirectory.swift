import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The directory a pool's processes share state in: its rate limits' counts (``SharedRateLimiter``) and the paths
/// of its tagged cached answers (``SharedTaggedPathIndex``). A pool's master makes one for its workers and names it
/// in `ROUTE_HANDLERS_POOL_DIR`, which they inherit, and removes it when done; a CGI script's processes share one
/// for its executable; one named in the environment already is used as it is, and kept.
struct PoolDirectory {
    /// Names the directory in the environment.
    static let variable = "ROUTE_HANDLERS_POOL_DIR"

    let path: String
    /// Made by this process, to remove when it is done.
    let owned: Bool
    /// A directory made and checked before `path` (the user's, holding it).
    var parent: String?

    /// The directory `environment` names, else, for a CGI script, one for its executable; `nil`: this process
    /// keeps its state to itself.
    static func configured(environment: [String: String], cgi: Bool) -> PoolDirectory? {
        if let path = environment[variable], !path.isEmpty { return PoolDirectory(path: path, owned: false) }
        guard cgi else { return nil }
        let user = userDirectory(environment: environment)
        let executable = WorkerLauncher.executablePath() ?? CommandLine.arguments.first ?? "app"
        return PoolDirectory(path: user + "/cgi-" + String(SharedRateLimiter.fnv1a(executable), radix: 16), owned: false, parent: user)
    }

    /// A new directory for a master's pool, named in the environment its workers inherit.
    static func make(environment: [String: String], logger: Logger) -> PoolDirectory? {
        if let path = environment[variable], !path.isEmpty { return PoolDirectory(path: path, owned: false) }
        let user = userDirectory(environment: environment)
        guard isPrivate(user) else {
            logger.warning("No private directory for the pool's shared state (\(user)); each worker keeps its own")
            return nil
        }
        var template = Array((user + "/pool-\(getpid())-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            logger.warning("Cannot make the pool's shared directory: \(String(cString: strerror(errno)))")
            return nil
        }
        let path = String(cString: made)
        setenv(variable, path, 1)
        return PoolDirectory(path: path, owned: true)
    }

    /// Removes what a master made (the files its workers wrote there too).
    func remove() {
        guard owned else { return }
        for name in ["rates", "concurrency", "tagged-paths", "tagged-paths.lock"] { unlink(path + "/" + name) }
        rmdir(path)
    }

    /// Whether the directory (and its parent, if any) is private to this user, made now if missing.
    var isUsable: Bool { (parent.map(Self.isPrivate) ?? true) && Self.isPrivate(path) }

    /// Where this user's directories go: `/dev/shm` (memory, emptied at boot) when there is one, else `TMPDIR` or
    /// `/tmp`; a private `route-handlers-<uid>` inside (checked when used).
    static func userDirectory(environment: [String: String]) -> String {
        var status = stat()
        let base =
            stat("/dev/shm", &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
            ? "/dev/shm" : (environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        return base + "/route-handlers-\(geteuid())"
    }

    /// Whether `path` is (now) a directory of this user's, mode 0700 or stricter, and not a symbolic link: another
    /// user's could forge or fill the shared state.
    static func isPrivate(_ path: String) -> Bool {
        if mkdir(path, 0o700) != 0, errno != EEXIST { return false }
        var status = stat()
        guard lstat(path, &status) == 0 else { return false }
        return status.st_mode & S_IFMT == S_IFDIR && status.st_uid == geteuid() && status.st_mode & 0o077 == 0
    }
}
