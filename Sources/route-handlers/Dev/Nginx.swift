import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The nginx `dev` runs in front of the app, in a scratch prefix, in the foreground (a child of `dev`).
final class Nginx {
    let prefix: String
    let port: Int
    private(set) var process: Subprocess?
    private(set) var socket: String?

    init(prefix: String, port: Int) {
        self.prefix = prefix
        self.port = port
    }

    /// The nginx binary: in PATH, else in the sbin directories a user's PATH often lacks.
    static func executable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"]
        for directory in directories where access(directory + "/nginx", X_OK) == 0 {
            return directory + "/nginx"
        }
        throw DevError("nginx was not found in PATH: install it (apt-get install nginx-light, or brew install nginx).")
    }

    /// Points nginx at `socket`: starts it the first time, then reloads it, returning once the workers that
    /// used the previous socket have ended (or after `seconds`), so that the previous app can be stopped.
    func pass(to socket: String, seconds: Double = 10) throws {
        let configPath = prefix + "/nginx.conf"
        try FileManager.default.createDirectory(atPath: prefix, withIntermediateDirectories: true)
        let text = NginxConfig.render(prefix: prefix, port: port, socket: socket, runningAsRoot: getuid() == 0)
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
        self.socket = socket
        guard let process, process.isRunning else {
            let started = try Subprocess(
                try Self.executable(),
                ["-p", prefix, "-c", configPath, "-e", prefix + "/error.log", "-g", "daemon off;"],
                output: prefix + "/nginx.out")
            self.process = started
            // Started when the port answers; an nginx that cannot bind exits with its reason in the log.
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, started.isRunning, !Self.portAnswers(port) { usleep(20_000) }
            guard started.isRunning, Self.portAnswers(port) else {
                started.stop()
                let log = (try? String(contentsOfFile: prefix + "/error.log", encoding: .utf8)) ?? ""
                throw DevError("nginx did not start on 127.0.0.1:\(port):\n\(log)")
            }
            return
        }
        let before = Subprocess.children(of: process.pid)
        kill(process.pid, SIGHUP)
        // A reload starts new workers and lets the old ones finish what they are serving; wait for both.
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = Subprocess.children(of: process.pid)
            if !now.isEmpty, now.isDisjoint(with: before) { return }
            usleep(20_000)
        }
    }

    func stop() {
        process?.stop(SIGQUIT, grace: 5)
    }

    static func portAnswers(_ port: Int) -> Bool {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
