#if canImport(Glibc)
import Glibc
#endif

/// A supervised worker's end of the pipe to its master (fd 3, named by `ROUTE_HANDLERS_CONTROL_FD`): one byte
/// per message. The master sees the pipe close when the worker exits.
struct WorkerChannel: Sendable {
    static let variable = "ROUTE_HANDLERS_CONTROL_FD"
    static let fd: Int32 = 3

    enum Message: UInt8 {
        /// The server is up: its listener is in its event loop.
        case ready = 0x52  // R
        /// `--max-requests` reached: replace this worker when convenient.
        case maxRequests = 0x4D  // M
        /// A handler outlived `--request-terminate-timeout`: this worker stopped taking connections.
        case stuck = 0x54  // T
    }

    let fd: Int32

    /// The channel a master handed this process, if any.
    static func inherited(environment: [String: String]) -> WorkerChannel? {
        guard let fd = environment[variable].flatMap({ Int32($0) }), fd > 2 else { return nil }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFIFO else { return nil }
        // The handlers' own child processes must not hold the pipe open after this worker exits.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return WorkerChannel(fd: fd)
    }

    func send(_ message: Message) {
        var byte = message.rawValue
        _ = write(fd, &byte, 1)
    }

    /// Calls `body` once, on a thread of its own, if the master goes away (its end of the pipe closes): a
    /// worker must not outlive its master and keep a socket nobody supervises.
    func onMasterExit(_ body: @escaping @Sendable () -> Void) {
        let fd = fd
        _ = spawnThread(name: "master-watch") {
            // On a pipe's write end, poll reports POLLERR once the read end is closed.
            var entry = pollfd(fd: fd, events: 0, revents: 0)
            while true {
                let result = poll(&entry, 1, -1)
                if result < 0, errno == EINTR { continue }
                if result > 0, entry.revents & Int16(POLLERR | POLLHUP) != 0 { body() }
                return
            }
        }
    }
}
