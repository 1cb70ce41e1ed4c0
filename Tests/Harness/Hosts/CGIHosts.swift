import Foundation

/// A document root with a cgi-bin/ holding the built fixture app twice (as hello-cgi and as example-api, a multi-route app), under
/// their own names.
public struct CGIBin: ~Copyable, Sendable {
    public let directory: TemporaryDirectory
    public var root: String { directory.file("www") }
    public var scriptPath: String { root + "/cgi-bin/hello-cgi" }

    public init() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("www/cgi-bin"), withIntermediateDirectories: true)
        // A link, not a copy: a process spawned by another test while the copy was open for writing would
        // inherit that descriptor, and executing the script would fail with ETXTBSY for as long as it lives.
        try FileManager.default.createSymbolicLink(
            atPath: directory.file("www/cgi-bin/hello-cgi"), withDestinationPath: CGIScript.fixture)
        try FileManager.default.createSymbolicLink(
            atPath: directory.file("www/cgi-bin/example-api"), withDestinationPath: CGIScript.fixture)
        self.directory = directory
    }
}

/// fcgiwrap, Debian's FastCGI-to-CGI bridge, on a unix socket: it runs a CGI script for each request. Stopped by pid.
public final class FcgiwrapHarness: @unchecked Sendable {
    public let socket: String
    private let process: ChildProcess

    /// Starts fcgiwrap with a bare environment (it passes its own to every script) and waits until it accepts.
    public static func start(directory: String) async throws -> FcgiwrapHarness {
        let harness = try FcgiwrapHarness(directory: directory)
        guard await eventually(seconds: 10, { acceptsConnections(unixPath: harness.socket) }) else {
            harness.stop()
            throw HarnessError("fcgiwrap did not start: \(harness.process.errorOutput)")
        }
        return harness
    }

    private init(directory: String) throws {
        socket = directory + "/fcgiwrap.sock"
        process = try ChildProcess(
            "/usr/sbin/fcgiwrap", ["-s", "unix:" + socket], environment: ["PATH": "/usr/bin:/bin"],
            logPrefix: directory + "/fcgiwrap")
    }

    public func stop() {
        process.stop()
    }

    deinit { stop() }
}

/// lighttpd with mod_cgi, a second real CGI host: each file in the document root's cgi-bin/ runs as CGI.
/// Started as the current user on 127.0.0.1 with a config of its own, stopped by pid.
public final class LighttpdHarness: @unchecked Sendable {
    public let port: Int
    private let process: ChildProcess
    private let errorLogPath: String

    public static func start(directory: String, documentRoot: String) async throws -> LighttpdHarness {
        try await offload { try LighttpdHarness(directory: directory, documentRoot: documentRoot) }
    }

    private init(directory: String, documentRoot: String) throws {
        port = try freeLoopbackPort()
        errorLogPath = directory + "/lighttpd-error.log"
        let config = """
            server.document-root = "\(documentRoot)"
            server.bind = "127.0.0.1"
            server.port = \(port)
            server.modules = ("mod_cgi")
            server.errorlog = "\(errorLogPath)"
            server.upload-dirs = ("\(directory)")
            $HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ("" => "") }

            """
        let configPath = directory + "/lighttpd.conf"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        // -D: stay in the foreground, so that the pid is lighttpd's.
        process = try ChildProcess(
            "/usr/sbin/lighttpd", ["-D", "-f", configPath], environment: ["PATH": "/usr/bin:/bin"],
            logPrefix: directory + "/lighttpd")
        let port = self.port
        guard waitUntil(seconds: 10, { canConnect(tcpPort: port) }) else {
            process.stop()
            throw HarnessError("lighttpd did not start: \(errorLog) \(process.errorOutput)")
        }
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var errorLog: String { (try? String(contentsOfFile: errorLogPath, encoding: .utf8)) ?? "" }

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
