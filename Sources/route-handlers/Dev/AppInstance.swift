import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One build of the app, running from a copy of its binary on a socket of its own, so that the next build can
/// replace the binary and start beside it while this one still serves.
final class AppInstance {
    let process: Subprocess
    let socket: String
    let binary: String

    /// Copies `builtBinary` into `work` and starts it on `work/app-N.sock` with `processes` workers; returns once
    /// its socket accepts connections (they wait in the backlog until a worker takes them).
    /// - Throws: ``DevError`` with the app's output when it exits or does not listen within `seconds`.
    init(builtBinary: String, generation: Int, work: String, processes: Int, seconds: Double = 60) throws {
        socket = "\(work)/app-\(generation).sock"
        binary = "\(work)/app-\(generation)"
        let manager = FileManager.default
        try? manager.removeItem(atPath: binary)
        try manager.copyItem(atPath: builtBinary, toPath: binary)
        var environment = ProcessInfo.processInfo.environment
        // Development mode: 500 responses carry the error's description.
        environment["ROUTE_HANDLERS_DEV"] = "1"
        environment["ROUTE_HANDLERS_LISTEN"] = nil
        // The app's log goes to the terminal, as `next dev`'s does; a copy of nothing else is kept.
        environment["ROUTE_HANDLERS_PROCESSES"] = nil
        // More than one process: the supervisor opens the socket, starts the workers on it and restarts any that
        // die; SIGTERM stops them gracefully, as under systemd.
        process = try Subprocess(binary, ["--listen", socket, "--processes", String(processes)], environment: environment)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, process.isRunning, !Self.accepts(socket) { usleep(20_000) }
        guard process.isRunning, Self.accepts(socket) else {
            let status = process.exitStatus
            process.stop(SIGKILL)
            remove()
            throw DevError(
                status.map { "The app exited with status \($0) at start (its output is above)." }
                    ?? "The app did not listen on \(socket) within \(Int(seconds)) s.")
        }
    }

    /// Stops the app gracefully (SIGTERM: requests in flight finish) and removes its copy and socket.
    func stop() {
        process.stop(SIGTERM, grace: 35)
        remove()
    }

    private func remove() {
        try? FileManager.default.removeItem(atPath: binary)
        try? FileManager.default.removeItem(atPath: socket)
    }

    static func accepts(_ path: String) -> Bool {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }
}
