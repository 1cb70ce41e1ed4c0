import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A process a test started with posix_spawn, tracked by pid and always reaped: `stop()` sends SIGTERM, then
/// SIGKILL after a grace period. Output goes to files, so a chatty process never blocks on a full pipe.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let outputPath: String
    public let errorPath: String
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable` with `arguments`; `environment` replaces the environment when given; `stdin` is
    /// /dev/null unless given (a listening socket, as spawn-fcgi and systemd hand one over).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: Redirection = .path("/dev/null"),
        logPrefix: String
    ) throws {
        outputPath = logPrefix + ".out"
        errorPath = logPrefix + ".err"
        pid = try spawn(
            executable, arguments, environment: environment,
            stdin: stdin, stdout: .path(outputPath), stderr: .path(errorPath))
    }

    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    public var errorOutput: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// The exit status if the process has ended (reaping it), else nil.
    public var exitStatus: Int32? {
        lock.withLock {
            if status == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid { status = decodeWaitStatus(raw) }
            }
            return status
        }
    }

    public var isRunning: Bool { exitStatus == nil }

    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits up to `seconds` for the process to exit, holding no thread; returns its status, or nil.
    public func exitStatus(within seconds: Double) async -> Int32? {
        guard await eventually(seconds: seconds, { self.exitStatus != nil }) else { return nil }
        return exitStatus
    }

    /// Blocking wait; only on offloaded threads or in deinit paths.
    @discardableResult
    public func waitForExit(seconds: Double) -> Int32? {
        guard waitUntil(seconds: seconds, { exitStatus != nil }) else { return nil }
        return exitStatus
    }

    /// Stops the process (the signal, then SIGKILL after 5 s) and reaps it.
    public func stop(signal: Int32 = SIGTERM) {
        guard isRunning else { return }
        kill(pid, signal)
        if waitForExit(seconds: 5) == nil {
            kill(pid, SIGKILL)
            waitForExit(seconds: 5)
        }
    }

    deinit { stop() }
}

public enum Redirection: Sendable {
    case path(String)
    case fd(Int32)
}

/// Serializes creating pipes and spawning: a pipe made by one test while another spawns could leak into that
/// child (pipe2 is not available to Swift here), and a long-lived child such as nginx holding a pipe's write
/// end would keep its reader from ever seeing EOF.
public let spawnLock = NSLock()

/// Creates a pipe whose two ends are close-on-exec. Call with `spawnLock` held.
func cloexecPipe() throws -> [Int32] {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { throw HarnessError("pipe failed") }
    for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return ends
}

/// posix_spawn with stdin/stdout/stderr redirected.
func spawn(
    _ executable: String, _ arguments: [String], environment: [String: String]?,
    stdin: Redirection, stdout: Redirection, stderr: Redirection
) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for (target, redirection, flags) in [
        (Int32(0), stdin, O_RDONLY), (1, stdout, O_WRONLY | O_CREAT | O_TRUNC), (2, stderr, O_WRONLY | O_CREAT | O_TRUNC),
    ] {
        switch redirection {
        case .path(let path): posix_spawn_file_actions_addopen(&actions, target, path, flags, 0o644)
        case .fd(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
        }
    }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let env = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
    defer { env?.forEach { free($0) } }
    // The spawning thread may be a pool thread that blocks signals (libdispatch's do): the child would inherit
    // a blocked SIGTERM and ignore stop(). Start it with no signal blocked and default dispositions.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    spawnLock.lock()
    defer { spawnLock.unlock() }
    let result =
        env.map { posix_spawn(&pid, executable, &actions, &attributes, argv, $0) }
        ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard result == 0 else { throw HarnessError("posix_spawn \(executable) failed: \(String(cString: strerror(result)))") }
    return pid
}

func decodeWaitStatus(_ raw: Int32) -> Int32 {
    // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as functions.
    let signal = raw & 0x7F
    return signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
}

/// Runs a command to completion with a time limit, on a thread of its own, and returns its exit status and output.
public func runCommand(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    input: [UInt8]? = nil, seconds: Double = 20
) async throws -> (status: Int32, output: [UInt8], error: String) {
    try await offload { try runCommandBlocking(executable, arguments, environment: environment, input: input, seconds: seconds) }
}

public func runCommandBlocking(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    input: [UInt8]? = nil, seconds: Double = 20
) throws -> (status: Int32, output: [UInt8], error: String) {
    spawnLock.lock()
    let inPipe: [Int32], outPipe: [Int32], errPipe: [Int32]
    do {
        inPipe = try cloexecPipe()
        outPipe = try cloexecPipe()
        errPipe = try cloexecPipe()
    } catch {
        spawnLock.unlock()
        throw error
    }
    spawnLock.unlock()
    let pid: pid_t
    do {
        pid = try spawn(
            executable, arguments, environment: environment,
            stdin: .fd(inPipe[0]), stdout: .fd(outPipe[1]), stderr: .fd(errPipe[1]))
    } catch {
        (inPipe + outPipe + errPipe).forEach { _ = close($0) }
        throw error
    }
    close(inPipe[0])
    close(outPipe[1])
    close(errPipe[1])
    // Feed stdin and drain both outputs with poll, so that no pipe can fill up and stall the child.
    var pending = input ?? []
    var writeFD: Int32 = inPipe[1]
    if pending.isEmpty {
        close(writeFD)
        writeFD = -1
    }
    var output: [UInt8] = [], errors: [UInt8] = []
    var open = [outPipe[0], errPipe[0]]
    let deadline = Date().addingTimeInterval(seconds)
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !open.isEmpty || writeFD >= 0 {
        let remaining = deadline.timeIntervalSinceNow
        if remaining <= 0 {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
            (open + (writeFD >= 0 ? [writeFD] : [])).forEach { _ = close($0) }
            throw HarnessError("\(executable) \(arguments.joined(separator: " ")) did not finish in \(seconds) s")
        }
        var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        if writeFD >= 0 { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
        guard poll(&fds, nfds_t(fds.count), Int32(min(remaining, 1) * 1000)) >= 0 else {
            if errno == EINTR { continue }
            throw HarnessError("poll failed")
        }
        for entry in fds where entry.revents != 0 {
            if entry.fd == writeFD {
                let written = pending.withUnsafeBytes { write(writeFD, $0.baseAddress, min($0.count, 65536)) }
                if written > 0 { pending.removeFirst(written) }
                if written < 0 || pending.isEmpty {
                    close(writeFD)
                    writeFD = -1
                }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                if entry.fd == outPipe[0] { output += buffer[..<count] } else { errors += buffer[..<count] }
            } else if count == 0 || errno != EINTR {
                close(entry.fd)
                open.removeAll { $0 == entry.fd }
            }
        }
    }
    var raw: Int32 = 0
    waitpid(pid, &raw, 0)
    return (decodeWaitStatus(raw), output, String(decoding: errors, as: UTF8.self))
}
