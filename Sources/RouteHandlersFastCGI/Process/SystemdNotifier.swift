#if canImport(Glibc)
import Glibc
#endif

/// The service manager's notification socket (sd_notify(3), `NOTIFY_SOCKET`), spoken directly: one datagram of
/// `NAME=value` lines per message, no libsystemd. With `Type=notify-reload`, systemd learns when the pool is
/// ready (`READY=1`), when a reload starts and ends (`RELOADING=1` with `MONOTONIC_USEC`, then `READY=1`), when
/// it stops (`STOPPING=1`), its counts (`STATUS=`), and that it is alive (`WATCHDOG=1`, every half of
/// `WATCHDOG_USEC`). Used from one thread at a time (the master's loop; a process serving alone sends `READY=1`
/// before its signal thread can send `STOPPING=1`).
final class SystemdNotifier: @unchecked Sendable {
    private let fd: Int32
    private var address: sockaddr_un
    private let length: socklen_t
    /// Half of `WATCHDOG_USEC` when the watchdog is on for this process: how often to send `WATCHDOG=1`.
    let watchdogInterval: Duration?
    private var lastStatus: String?

    /// The variables a child must not inherit: the messages are the master's to send.
    static let variables = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]

    /// `nil` when `NOTIFY_SOCKET` is not set (not started by systemd as `Type=notify`), names no usable
    /// socket, or the socket cannot be made.
    init?(environment: [String: String]) {
        guard var path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        // "@name": the abstract namespace (a leading NUL), as systemd passes it.
        let abstract = path.hasPrefix("@")
        if abstract { path.removeFirst() }
        guard path.hasPrefix("/") || abstract else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let bytes = (abstract ? [0] : []) + Array(path.utf8)
        guard bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.address = address
        self.length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let owner = environment["WATCHDOG_PID"].flatMap { pid_t($0) }
        if let micros = environment["WATCHDOG_USEC"].flatMap({ UInt64($0) }), micros > 0, owner == nil || owner == getpid() {
            watchdogInterval = .microseconds(Int64(min(micros / 2, UInt64(Int64.max))))
        } else {
            watchdogInterval = nil
        }
    }

    deinit { close(fd) }

    /// Sends one message (its lines joined with newlines); `false` when the manager did not take it.
    @discardableResult
    func send(_ lines: [String]) -> Bool {
        let message = Array((lines.joined(separator: "\n") + "\n").utf8)
        let sent = message.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        return sent == message.count
    }

    /// `STATUS=` when it changed since the last one sent.
    func status(_ text: String) {
        guard text != lastStatus else { return }
        lastStatus = text
        send(["STATUS=\(text)"])
    }

    func ready(status text: String) {
        lastStatus = text
        send(["READY=1", "STATUS=\(text)"])
    }

    func reloading(status text: String) {
        lastStatus = text
        send(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())", "STATUS=\(text)"])
    }

    /// A reload that could not finish: ready again (the old workers serve), with the reason and `ERRNO=`.
    func reloadFailed(status text: String) {
        lastStatus = text
        send(["READY=1", "STATUS=\(text)", "ERRNO=\(ECANCELED)"])
    }

    func stopping(status text: String) {
        lastStatus = text
        send(["STOPPING=1", "STATUS=\(text)"])
    }

    func watchdog() {
        send(["WATCHDOG=1"])
    }

    /// `CLOCK_MONOTONIC` in microseconds, which `MONOTONIC_USEC` carries.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}
