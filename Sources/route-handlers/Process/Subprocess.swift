import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A process `dev` started, known by pid, stopped by pid and always reaped.
final class Subprocess: @unchecked Sendable {
    let pid: pid_t
    let name: String
    private var status: Int32?

    /// Starts `executable` (looked up in PATH when it has no `/`) with its output sent to `output` (a file
    /// path; `nil` keeps this process's standard output and error). Standard input is /dev/null, and the child
    /// starts with default signal dispositions and no blocked signal, whatever this process ignores.
    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, output: String? = nil) throws {
        name = URL(fileURLWithPath: executable).lastPathComponent
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let output {
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { env?.forEach { free($0) } }
        var pid: pid_t = 0
        let result =
            env.map { posix_spawnp(&pid, executable, &actions, &attributes, argv, $0) }
            ?? posix_spawnp(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw DevError("Cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// The exit status (128 + signal when killed) once the process has ended, reaping it; else `nil`.
    var exitStatus: Int32? {
        if status == nil {
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                let signal = raw & 0x7F
                status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
            }
        }
        return status
    }

    var isRunning: Bool { exitStatus == nil }

    /// Waits up to `seconds` for the end, polling every 20 ms; `true` if it ended.
    @discardableResult
    func wait(seconds: Double, while condition: () -> Bool = { true }) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning, Date() < deadline, condition() { usleep(20_000) }
        return !isRunning
    }

    /// Sends `signal`, waits up to `grace` seconds, then SIGKILL; reaps the process.
    func stop(_ signal: Int32 = SIGTERM, grace: Double = 10) {
        guard isRunning else { return }
        kill(pid, signal)
        if !wait(seconds: grace) {
            kill(pid, SIGKILL)
            wait(seconds: 5)
        }
    }

    /// The pids whose parent is `pid` (from /proc): nginx's workers.
    static func children(of pid: pid_t) -> Set<pid_t> {
        var result: Set<pid_t> = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == pid { result.insert(child) }
        }
        return result
    }
}

/// A problem `dev` reports and stops on.
struct DevError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
