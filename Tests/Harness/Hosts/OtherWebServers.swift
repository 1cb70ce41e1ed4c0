import Foundation

/// Apache (mod_proxy_fcgi), lighttpd (mod_fastcgi), HAProxy (fcgi-app) or Caddy (reverse_proxy, fastcgi transport), started as the current user on
/// 127.0.0.1 with the project's own config from nginx/other-servers/, in front of an app on `socket`. Stopped by
/// pid.
public final class OtherWebServer: @unchecked Sendable {
    public enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case apache, lighttpd, haproxy, caddy
        public var description: String { rawValue }
    }

    public let kind: Kind
    public let port: Int
    private let prefix: String
    private let process: ChildProcess

    /// Starts the server; `edit` may change the config (a test's extra options) before it is written.
    public static func start(
        _ kind: Kind, directory: String, socket: String, edit: @escaping @Sendable (String) -> String = { $0 }
    ) async throws -> OtherWebServer {
        try await offload { try OtherWebServer(kind, directory: directory, socket: socket, edit: edit) }
    }

    private init(_ kind: Kind, directory: String, socket: String, edit: (String) -> String) throws {
        self.kind = kind
        port = try freeLoopbackPort()
        prefix = directory + "/" + kind.rawValue
        try FileManager.default.createDirectory(atPath: prefix, withIntermediateDirectories: true)
        let template: String
        let executable: String
        let arguments: [String]
        switch kind {
        case .apache:
            template = "apache2.conf"
            executable = "/usr/sbin/apache2"
            arguments = ["-f", prefix + "/server.conf", "-DFOREGROUND"]
        case .lighttpd:
            template = "lighttpd.conf"
            executable = "/usr/sbin/lighttpd"
            arguments = ["-D", "-f", prefix + "/server.conf"]
        case .haproxy:
            template = "haproxy.cfg"
            executable = "/usr/sbin/haproxy"
            arguments = ["-W", "-db", "-f", prefix + "/server.conf"]
        case .caddy:
            template = "Caddyfile"
            executable = "/usr/bin/caddy"
            arguments = ["run", "--config", prefix + "/server.conf", "--adapter", "caddyfile"]
        }
        // Apache refuses to serve as root; its workers then run as nobody, who must reach the socket.
        let userDirectives = getuid() == 0 ? "User nobody\nGroup nogroup" : ""
        let config = try String(contentsOfFile: repositoryRoot + "/nginx/other-servers/" + template, encoding: .utf8)
            .replacingOccurrences(of: "@PREFIX@", with: prefix)
            .replacingOccurrences(of: "@LISTEN@", with: "127.0.0.1:\(port)")
            .replacingOccurrences(of: "@HOST@", with: "127.0.0.1")
            .replacingOccurrences(of: "@PORT@", with: String(port))
            .replacingOccurrences(of: "@SOCKET@", with: socket)
            .replacingOccurrences(of: "@USER_DIRECTIVES@", with: userDirectives)
        try edit(config).write(toFile: prefix + "/server.conf", atomically: true, encoding: .utf8)
        // Caddy keeps its state under HOME / XDG folders: this test's own.
        let environment = ["PATH": "/usr/bin:/bin:/usr/sbin", "HOME": prefix, "XDG_DATA_HOME": prefix, "XDG_CONFIG_HOME": prefix]
        process = try ChildProcess(executable, arguments, environment: environment, logPrefix: prefix + "/process")
        let port = self.port
        guard waitUntil(seconds: 10, { canConnect(tcpPort: port) }) else {
            process.stop()
            throw HarnessError("\(kind) did not start: \(process.errorOutput) \(process.output)")
        }
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public func request(_ path: String, method: String = "GET", headers: [String] = [], body: [UInt8]? = nil) async throws
        -> ReceivedResponse
    {
        try await Curl.request(baseURL + path, method: method, headers: headers, body: body)
    }

    public func stop() {
        process.stop()
    }

    deinit { stop() }
}
