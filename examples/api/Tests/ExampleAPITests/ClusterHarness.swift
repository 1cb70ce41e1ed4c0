import Foundation
import RouteHandlersTestHarness

#if canImport(Glibc)
import Glibc
#endif

/// nginx/run-cluster, as a user runs it: PostgreSQL, `hosts` example-api hosts each in its own network
/// namespace on 10.200.0.0/24 (addresses of namespaces the script makes and deletes), and nginx on 127.0.0.1.
/// Stopped with SIGTERM, which makes the script stop everything it started and delete its namespaces.
final class ClusterHarness: @unchecked Sendable {
    static let subnet = "10.200.0"
    let port: Int
    let hosts: Int
    private let work: String
    private let script: ChildProcess

    /// Why cluster tests cannot run here, or nil when they can: they need root and working `ip netns`.
    static let unavailable: String? = {
        guard getuid() == 0 else { return "cluster tests need root (network namespaces); skipped" }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/usr/bin/ip")
        else { return "cluster tests need ip (iproute2); skipped" }
        guard (try? PostgresServer.binDirectory()) != nil else { return "cluster tests need PostgreSQL; skipped" }
        let probe = "rhc-probe-\(getpid())"
        guard
            let added = try? runCommandBlocking(
                "/usr/bin/env", ["ip", "netns", "add", probe],
                environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]),
            added.status == 0
        else { return "network namespaces are unavailable here (ip netns add failed); cluster tests skipped" }
        _ = try? runCommandBlocking(
            "/usr/bin/env", ["ip", "netns", "delete", probe], environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        return nil
    }()

    private init(port: Int, hosts: Int, work: String, script: ChildProcess) {
        self.port = port
        self.hosts = hosts
        self.work = work
        self.script = script
    }

    static func start(directory: String, hosts: Int = 3) async throws -> ClusterHarness {
        let port = try freeLoopbackPort()
        let work = directory + "/cluster"
        let script = try ChildProcess(
            repositoryRoot + "/nginx/run-cluster", [],
            environment: [
                "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BIN": productsDirectory + "/example-api", "WORK": work,
                "PORT": String(port), "HOSTS": String(hosts), "SUBNET": subnet, "PG_PORT": String(try freeLoopbackPort()),
                "ADMIN_TOKEN": ExampleAPIServer.adminToken, "STRIPE_WEBHOOK_SECRET": ExampleAPIServer.webhookSecret,
                "SESSION_SECRET": ExampleAPIServer.sessionSecret,
            ],
            logPrefix: directory + "/run-cluster")
        let cluster = ClusterHarness(port: port, hosts: hosts, work: work, script: script)
        let ready = await eventually(seconds: 90) {
            !script.isRunning || FileManager.default.fileExists(atPath: work + "/ready")
        }
        guard ready, script.isRunning else {
            let output = script.errorOutput
            cluster.stop()
            throw HarnessError("run-cluster did not start: \(output)")
        }
        return cluster
    }

    /// The address nginx reaches host `index` (1-based) at, as X-Upstream shows it.
    func address(ofHost index: Int) -> String { "\(Self.subnet).\(10 + index):9000" }

    /// The network namespace of host `index` (1-based), as run-cluster names it.
    func namespace(ofHost index: Int) -> String { "rhc-\(script.pid)-h\(index)" }

    /// The pid of the app on host `index` now (run-cluster restarts it after it dies).
    func appPID(ofHost index: Int) -> pid_t? {
        (try? String(contentsOfFile: work + "/host\(index).pid", encoding: .utf8))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func request(_ path: String, method: String = "GET", headers: [String] = [], body: [UInt8]? = nil) async throws -> ReceivedResponse {
        try await Curl.request("http://127.0.0.1:\(port)" + path, method: method, headers: headers, body: body)
    }

    func send(_ method: String, _ path: String, json: String, headers: [String] = []) async throws -> ReceivedResponse {
        try await request(path, method: method, headers: ["Content-Type: application/json"] + headers, body: Array(json.utf8))
    }

    /// What host `index`'s app (its master and workers) wrote to stderr so far.
    func log(ofHost index: Int) -> String {
        (try? String(contentsOfFile: work + "/host\(index).log", encoding: .utf8)) ?? ""
    }

    /// The script's output and each host's log, for failure messages.
    var logs: String {
        ([script.errorOutput] + (1...hosts).map { (try? String(contentsOfFile: work + "/host\($0).log", encoding: .utf8)) ?? "" })
            .joined(separator: "\n---\n")
    }

    /// SIGTERM, then up to 60 s for the script to stop what it started and delete its namespaces.
    func stop() {
        guard script.isRunning else { return }
        script.send(SIGTERM)
        if script.waitForExit(seconds: 60) == nil {
            script.stop(signal: SIGKILL)
        }
    }
}

/// Runs `body` with a cluster; always stops it.
func withCluster(hosts: Int = 3, _ body: (ClusterHarness) async throws -> Void) async throws {
    let directory = try TemporaryDirectory()
    let cluster = try await ClusterHarness.start(directory: directory.path, hosts: hosts)
    defer { cluster.stop() }
    try await body(cluster)
}
