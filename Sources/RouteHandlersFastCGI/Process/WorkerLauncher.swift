#if canImport(Glibc)
import Glibc
#endif

/// Starts worker processes: the executable at the path the master was started from (so that after a deploy
/// replaced the file, new workers run the new code: never `/proc/self/exe`, the master's old image), with the
/// same arguments, the listening socket on fd 0 and the write end of a control pipe on fd 3.
struct WorkerLauncher {
    let executable: String
    let listener: Int32
    /// The status scoreboard's memfd, passed on as fd 4.
    var scoreboard: Int32?

    struct Started {
        let pid: pid_t
        /// The read end of the worker's control pipe (non-blocking, close-on-exec).
        let control: Int32
    }

    struct Failure: Error {
        let message: String
    }

    /// Starts one worker, told the `cores` it may size its threads by (``Application/cores``).
    func start(cores: Int) -> Result<Started, Failure> {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return .failure(Failure(message: "pipe: \(String(cString: strerror(errno)))")) }
        // Close-on-exec: no other worker inherits this worker's pipe (the master spawns from one thread only).
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        defer { close(ends[1]) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, listener, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], WorkerChannel.fd)
        if let scoreboard { posix_spawn_file_actions_adddup2(&actions, scoreboard, Scoreboard.inheritedFD) }
        // Workers start with default signal handling; the master's ignored signals must not leak into them.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2, SIGUSR1, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var variables = Self.workerEnvironment()
        variables.append("\(Application.coresVariable)=\(cores)")
        if scoreboard != nil { variables.append("\(Scoreboard.variable)=\(Scoreboard.inheritedFD)") }
        let environment = variables.map { strdup($0) } + [nil]
        defer { environment.forEach { free($0) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, arguments, environment)
        guard result == 0 else {
            close(ends[0])
            return .failure(Failure(message: "\(executable): \(String(cString: strerror(result)))"))
        }
        return .success(Started(pid: pid, control: ends[0]))
    }

    /// The master's environment, marked as a worker's; systemd's socket-activation and notification variables are
    /// the master's.
    private static func workerEnvironment() -> [String] {
        let dropped =
            [
                Supervisor.workerVariable, WorkerChannel.variable, Scoreboard.variable, Application.coresVariable, "LISTEN_PID",
                "LISTEN_FDS", "LISTEN_FDNAMES",
            ]
            + SystemdNotifier.variables
        var result = ["\(Supervisor.workerVariable)=1", "\(WorkerChannel.variable)=\(WorkerChannel.fd)"]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            let name = text.prefix { $0 != "=" }
            if !dropped.contains(String(name)) { result.append(text) }
            cursor += 1
        }
        return result
    }

    /// The absolute path this process was started as: argv[0] made absolute, or found in `PATH`; else what
    /// `/proc/self/exe` names now (the file is then followed no further than its current name).
    static func executablePath() -> String? {
        let first = CommandLine.arguments.first ?? ""
        if first.hasPrefix("/") { return first }
        if first.contains("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            guard getcwd(&buffer, buffer.count) != nil else { return nil }
            var relative = Substring(first)
            while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
            let directory = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return directory + "/" + relative
        }
        if !first.isEmpty, let path = getenv("PATH").map({ String(cString: $0) }) {
            for directory in path.split(separator: ":") where !directory.isEmpty {
                let candidate = "\(directory)/\(first)"
                if candidate.hasPrefix("/"), access(candidate, X_OK) == 0 { return candidate }
            }
        }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
