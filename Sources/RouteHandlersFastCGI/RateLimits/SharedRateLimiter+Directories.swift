import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

extension SharedRateLimiter {
    /// Where this user's limit directories go: `/dev/shm` (memory, emptied at boot) when there is one, else
    /// `TMPDIR` or `/tmp`; a private `route-handlers-<uid>` inside (checked when used).
    static func userDirectory(environment: [String: String]) -> String {
        var status = stat()
        let base =
            stat("/dev/shm", &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
            ? "/dev/shm" : (environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        return base + "/route-handlers-\(geteuid())"
    }

    /// The limiter `environment` names (`ROUTE_HANDLERS_LIMITS_DIR`), else, for a CGI script, one for its
    /// executable, which every CGI process it runs as shares; `nil`: one process's (``MemoryRateLimiter``).
    static func configured(environment: [String: String], cgi: Bool) -> SharedRateLimiter? {
        if let path = environment[variable], !path.isEmpty { return SharedRateLimiter(directory: path) }
        // The per-user directory, then the executable's inside it: each must be private.
        guard cgi else { return nil }
        let user = userDirectory(environment: environment)
        let executable = WorkerLauncher.executablePath() ?? CommandLine.arguments.first ?? "app"
        return SharedRateLimiter(directory: user + "/cgi-" + String(fnv1a(executable), radix: 16), parent: user)
    }

    /// A pool's directory, made by its master for its workers (named in the environment they inherit) and removed
    /// when the master is done; one named in the environment already is used as it is, and kept.
    struct PoolDirectory {
        let path: String
        let owned: Bool

        static func make(environment: [String: String], logger: Logger) -> PoolDirectory? {
            if let path = environment[SharedRateLimiter.variable], !path.isEmpty { return PoolDirectory(path: path, owned: false) }
            let user = userDirectory(environment: environment)
            guard privateDirectory(user) else {
                logger.warning("No private directory for the pool's rate limits; each worker counts its own")
                return nil
            }
            var template = Array((user + "/pool-\(getpid())-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else {
                logger.warning("Cannot make the pool's rate limit directory: \(String(cString: strerror(errno)))")
                return nil
            }
            let path = String(cString: made)
            setenv(SharedRateLimiter.variable, path, 1)
            return PoolDirectory(path: path, owned: true)
        }

        func remove() {
            guard owned else { return }
            unlink(path + "/rates")
            unlink(path + "/concurrency")
            rmdir(path)
        }
    }
}
