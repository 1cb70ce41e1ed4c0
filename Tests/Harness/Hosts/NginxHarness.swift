import Foundation

/// A real nginx, started as the current user in a scratch prefix with the project's own config
/// (nginx/render-config, nginx/site.conf), in front of an app on `socket`; or with another site of the
/// project's, such as nginx/cgi-site.conf in front of fcgiwrap. Stopped by pid.
final class NginxHarness: @unchecked Sendable {
    let port: Int
    let prefix: String
    private let process: ChildProcess

    /// Starts nginx and waits until it accepts connections.
    /// - Parameters:
    ///   - site: a site config in nginx/, rendered by render-config.
    ///   - cgiRoot: for nginx/cgi-site.conf, the directory holding cgi-bin/.
    static func start(directory: String, socket: String, site: String = "site.conf", cgiRoot: String = "") async throws -> NginxHarness {
        try await offload { try NginxHarness(directory: directory, socket: socket, site: site, cgiRoot: cgiRoot) }
    }

    private init(directory: String, socket: String, site: String, cgiRoot: String) throws {
        port = try freeLoopbackPort()
        prefix = directory + "/nginx"
        let rendered = try runCommandBlocking(
            repositoryRoot + "/nginx/render-config", [prefix, socket, "127.0.0.1:\(port)", site, cgiRoot])
        guard rendered.status == 0 else { throw HarnessError("render-config failed: \(rendered.error)") }
        let config = String(decoding: rendered.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        process = try ChildProcess(
            "/usr/sbin/nginx", ["-p", prefix, "-c", config, "-e", prefix + "/error.log", "-g", "daemon off;"],
            logPrefix: directory + "/nginx-process")
        let port = self.port
        guard waitUntil(seconds: 10, { canConnect(tcpPort: port) }) else {
            process.stop()
            throw HarnessError("nginx did not start: \(errorLog) \(process.errorOutput)")
        }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var errorLog: String { (try? String(contentsOfFile: prefix + "/error.log", encoding: .utf8)) ?? "" }

    func request(_ path: String, method: String = "GET", headers: [String] = [], body: [UInt8]? = nil) async throws -> ReceivedResponse {
        try await Curl.request(baseURL + path, method: method, headers: headers, body: body)
    }

    func stop() {
        process.stop(signal: SIGQUIT)
    }

    deinit { stop() }
}
