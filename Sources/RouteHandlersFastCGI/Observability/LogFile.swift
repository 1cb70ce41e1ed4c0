import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A log file (the access log, the slow log) written by a thread of its own: request threads only queue a line,
/// never wait for the disk. The queue is bounded; when the disk cannot keep up, lines are dropped and counted
/// rather than slowing requests down. `-` is standard output. ``reopen()`` (SIGUSR1) opens the path again, after
/// logrotate moved the file away.
final class LogFile: Sendable {
    let path: String
    private let capacity: Int
    private struct Queue {
        var lines: [[UInt8]] = []
        var dropped = 0
        var reopen = false
        var closed = false
    }
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    /// Opens `path` for appending (created 0644 if missing) and starts the writer thread.
    init(path: String, capacity: Int = 16_384) throws(ServerError) {
        self.path = path
        self.capacity = capacity
        let fd = try Self.open(path)
        _ = spawnThread(name: "log-writer") { [self] in run(fd: fd) }
    }

    static func open(_ path: String) throws(ServerError) -> Int32 {
        if path == "-" { return 1 }
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ServerError(.invalidOption, "Cannot open the log file \(path): \(String(cString: strerror(errno))).") }
        return fd
    }

    /// Queues one line (a newline is added).
    func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        let queued = queue.withLock { queue -> Bool in
            guard !queue.closed, queue.lines.count < capacity else {
                queue.dropped += 1
                return false
            }
            queue.lines.append(bytes)
            return queue.lines.count == 1
        }
        if queued { wake.signal() }
    }

    /// Opens the path again before the next write (logrotate's `postrotate`).
    func reopen() {
        queue.withLock { $0.reopen = true }
        wake.signal()
    }

    /// Writes what is queued and stops the thread.
    func close() {
        let first = queue.withLock { queue -> Bool in
            defer { queue.closed = true }
            return !queue.closed
        }
        guard first else { return }
        wake.signal()
        done.wait()
    }

    private func run(fd initial: Int32) {
        var fd = initial
        while true {
            wake.wait()
            let (lines, dropped, reopen, closed) = queue.withLock { queue in
                defer {
                    queue.lines.removeAll(keepingCapacity: true)
                    queue.dropped = 0
                    queue.reopen = false
                }
                return (queue.lines, queue.dropped, queue.reopen, queue.closed)
            }
            if reopen, path != "-", let reopened = try? Self.open(path) {
                Glibc.close(fd)
                fd = reopened
            }
            var buffer = Array(lines.joined())
            if dropped > 0 { buffer += Array("(\(dropped) log line(s) dropped: the disk did not keep up)\n".utf8) }
            Self.writeAll(fd, buffer)
            if closed {
                if fd > 2 { Glibc.close(fd) }
                done.signal()
                return
            }
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
