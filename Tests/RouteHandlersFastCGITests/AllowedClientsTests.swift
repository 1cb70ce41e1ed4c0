import Foundation
import RouteHandlersTestHarness
import Testing

@testable import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#endif

@Suite("Allowed clients: parsing")
struct AllowListParsingTests {
    static func peer(_ text: String) throws -> UInt128 {
        try #require(ClientAllowList.range(text)).address
    }

    @Test(arguments: [
        ("127.0.0.2", "127.0.0.2", true), ("127.0.0.2", "127.0.0.1", false),
        ("10.0.0.0/8", "10.200.3.4", true), ("10.0.0.0/8", "11.0.0.1", false),
        ("10.0.0.1/8", "10.9.9.9", true),  // host bits past the prefix are ignored
        ("0.0.0.0/0", "203.0.113.7", true), ("::1", "::1", true), ("::1", "::2", false),
        ("fd00::/8", "fd12:3456::1", true), ("fd00::/8", "fe80::1", false),
        // An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d and matches its IPv4 entry, and back.
        ("10.0.0.1", "::ffff:10.0.0.1", true), ("::ffff:10.0.0.0/104", "10.1.2.3", true),
        ("127.0.0.1", "::1", false), ("::/0", "10.0.0.1", true),
    ])
    func matchesAddressesAndRanges(entry: String, peer: String, allowed: Bool) throws {
        let list = try #require(try ClientAllowList(parsing: entry))
        #expect(list.allows(try Self.peer(peer)) == allowed)
    }

    @Test func listsAreCommaSeparatedWithSpacesAndEmptyEntriesIgnored() throws {
        let list = try #require(try ClientAllowList(parsing: " 10.0.0.1, 192.168.0.0/16 ,,::1,"))
        #expect(list.entries == ["10.0.0.1", "192.168.0.0/16", "::1"])
        #expect(list.allows(try Self.peer("192.168.4.4")))
        #expect(!list.allows(try Self.peer("10.0.0.2")))
    }

    @Test(arguments: ["", " ", ",", " , "])
    func aListNamingNoAddressAllowsEveryPeer(text: String) throws {
        // As libfcgi reads an empty FCGI_WEB_SERVER_ADDRS.
        #expect(try ClientAllowList(parsing: text) == nil)
    }

    @Test(arguments: [
        "localhost", "10.0.0.256", "10.0.0", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8",
        "10.0.0.0/8/8", "1.2.3.4:80", "[::1]", "any", "*",
    ])
    func anEntryThatIsNoAddressIsAnErrorNamingIt(entry: String) {
        #expect {
            try ClientAllowList(parsing: "127.0.0.1,\(entry)", option: "--allowed-clients")
        } throws: { error in
            let message = (error as? ServerError)?.message ?? ""
            return message.contains("\"\(entry.filter { !$0.isWhitespace })\"") && message.contains("--allowed-clients")
        }
    }

    @Test func optionsAndTheEnvironmentVariableAreReadAlike() throws {
        var options = try ServerOptions.parse(["--listen", "127.0.0.1:9000"])
        let fromEnvironment = try #require(try options.configuration(environment: ["FCGI_WEB_SERVER_ADDRS": "10.0.0.1, 10.1.0.0/16"]))
        #expect(fromEnvironment.allowedClients == ["10.0.0.1", "10.1.0.0/16"])
        options = try ServerOptions.parse(["--listen", "127.0.0.1:9000", "--allowed-clients", "::1"])
        let fromOption = try #require(try options.configuration(environment: ["FCGI_WEB_SERVER_ADDRS": "10.0.0.1"]))
        #expect(fromOption.allowedClients == ["::1"])
        #expect(try #require(try options.configuration(environment: ["FCGI_WEB_SERVER_ADDRS": ""])).allowedClients == ["::1"])
        options = try ServerOptions.parse(["--listen", "127.0.0.1:9000"])
        #expect(try #require(try options.configuration(environment: ["FCGI_WEB_SERVER_ADDRS": ""])).allowedClients == nil)
        #expect(throws: ServerError.self) { try options.configuration(environment: ["FCGI_WEB_SERVER_ADDRS": "10.0.0.1,nope"]) }
    }
}

/// The allow-list tried as an operator would: a server started each way it can be, a peer inside the list
/// (127.0.0.2, this machine's too) and one outside it (127.0.0.1).
@Suite("Allowed clients: every start mode", .timeLimit(.minutes(3)))
struct AllowedClientsTests {
    enum StartMode: String, CaseIterable, CustomTestStringConvertible {
        case bound, supervised, spawnFcgi, spawnFcgiWithMaster, systemdSocket
        var testDescription: String { rawValue }
    }

    /// Starts the fixture on 127.0.0.1:`port` as `mode` says, the list in `--allowed-clients` when the process is
    /// given arguments and in `FCGI_WEB_SERVER_ADDRS` (as libfcgi and PHP-FPM read it) when a launcher starts it.
    static func start(_ mode: StartMode, port: Int, allowed: String, directory: borrowing TemporaryDirectory) throws -> ChildProcess {
        let fixture = CGIScript.fixture
        var environment = ProcessInfo.processInfo.environment
        environment["FCGI_WEB_SERVER_ADDRS"] = allowed
        let log = directory.file("app")
        switch mode {
        case .bound:
            return try ChildProcess(fixture, ["--listen", "127.0.0.1:\(port)", "--allowed-clients", allowed], logPrefix: log)
        case .supervised:
            return try ChildProcess(
                fixture, ["--listen", "127.0.0.1:\(port)", "--processes", "1", "--allowed-clients", allowed], logPrefix: log)
        case .spawnFcgi:
            return try ChildProcess(
                "/usr/bin/spawn-fcgi", ["-n", "-a", "127.0.0.1", "-p", String(port), "--", fixture], environment: environment,
                logPrefix: log)
        case .spawnFcgiWithMaster:
            return try ChildProcess(
                "/usr/bin/spawn-fcgi", ["-n", "-a", "127.0.0.1", "-p", String(port), "--", fixture, "--processes", "2"],
                environment: environment, logPrefix: log)
        case .systemdSocket:
            // LISTEN_FDS and LISTEN_PID as systemd sets them; it execs the app on the first connection, with the
            // variables named by -E (a unit's Environment=) and not its own.
            return try ChildProcess(
                "/usr/bin/systemd-socket-activate", ["-l", "127.0.0.1:\(port)", "-E", "FCGI_WEB_SERVER_ADDRS=\(allowed)", fixture],
                logPrefix: log)
        }
    }

    /// A hello request from `source` to `host`:`port`: its status, or nil when the server closed the connection
    /// without answering.
    static func hello(host: String = "127.0.0.1", port: Int, from source: String) async throws -> Int? {
        try await offload {
            let connection = try RawFastCGIConnection(host: host, port: port, from: source)
            defer { connection.close() }
            guard connection.send(FCGI.request("GET", "/api/hello")), let response = connection.readResponse(seconds: 10) else {
                guard connection.closesWithin(seconds: 5) else { throw HarnessError("neither an answer nor a close") }
                return nil
            }
            return try ReceivedResponse.parse(response.stdout).status
        }
    }

    @Test(arguments: StartMode.allCases)
    func refusesPeersOutsideTheListHoweverTheSocketWasObtained(mode: StartMode) async throws {
        let directory = try TemporaryDirectory()
        let port = try freeLoopbackPort()
        let app = try Self.start(mode, port: port, allowed: "127.0.0.2", directory: directory)
        defer { app.stop() }
        #expect(await eventually(seconds: 20) { (try? await Self.hello(port: port, from: "127.0.0.2")) == 200 }, "\(app.errorOutput)")
        #expect(try await Self.hello(port: port, from: "127.0.0.1") == nil)
        // The refusal touched no one else: the allowed peer is still served, on new connections.
        #expect(try await Self.hello(port: port, from: "127.0.0.2") == 200)
        #expect(try await Self.hello(port: port, from: "127.0.0.1") == nil)
        #expect(await eventually { app.errorOutput.contains("Refused a FastCGI connection from 127.0.0.1") }, "\(app.errorOutput)")
    }

    @Test func aCIDRRangeAdmitsEveryPeerInIt() async throws {
        let directory = try TemporaryDirectory()
        let port = try freeLoopbackPort()
        let app = try Self.start(.supervised, port: port, allowed: "127.0.0.0/30", directory: directory)
        defer { app.stop() }
        #expect(await eventually(seconds: 20) { (try? await Self.hello(port: port, from: "127.0.0.1")) == 200 })
        #expect(try await Self.hello(port: port, from: "127.0.0.3") == 200)
        #expect(try await Self.hello(port: port, from: "127.0.0.4") == nil)
    }

    @Test func ipv6LoopbackIsCheckedToo() async throws {
        let directory = try TemporaryDirectory()
        let allowedPort = try freeLoopbackPort()
        let allowed = try await SupervisedFixture.start(
            ["--processes", "1", "--allowed-clients", "::1/128"], listen: "[::1]:\(allowedPort)", nginx: false, deployable: false)
        defer { allowed.stop() }
        // By hand: a readiness check from ::1 would be refused, and logged as the refusal the test looks for.
        let refusedPort = try freeLoopbackPort()
        let refused = try ChildProcess(
            CGIScript.fixture, ["--listen", "[::1]:\(refusedPort)", "--allowed-clients", "127.0.0.1"],
            logPrefix: directory.file("refused"))
        defer { refused.stop() }
        #expect(await eventually(seconds: 20) { (try? await Self.hello(host: "::1", port: allowedPort, from: "::1")) == 200 })
        #expect(await eventually(seconds: 20) { refused.errorOutput.contains("listening") })
        #expect(try await Self.hello(host: "::1", port: refusedPort, from: "::1") == nil)
        #expect(await eventually { refused.errorOutput.contains("Refused a FastCGI connection from ::1") }, "\(refused.errorOutput)")
    }

    /// An IPv6 socket bound to a v4-mapped address sees IPv4 peers as ::ffff:a.b.c.d: they match IPv4 entries.
    @Test func ipv4PeersOfAnIPv6SocketMatchTheirIPv4Entries() async throws {
        let port = try freeLoopbackPort()
        let fixture = try await SupervisedFixture.start(
            ["--allowed-clients", "127.0.0.2"], listen: "[::ffff:127.0.0.1]:\(port)", probeFrom: "::ffff:127.0.0.2", nginx: false,
            deployable: false)
        defer { fixture.stop() }
        let app = fixture.app
        #expect(await eventually(seconds: 20) { (try? await Self.hello(port: port, from: "127.0.0.2")) == 200 }, "\(app.errorOutput)")
        #expect(try await Self.hello(port: port, from: "127.0.0.1") == nil)
        #expect(await eventually { app.errorOutput.contains("Refused a FastCGI connection from 127.0.0.1:") }, "\(app.errorOutput)")
    }

    @Test func aBadEntryStopsTheStartWithTheEntryNamed() async throws {
        let result = try await runCommand(
            CGIScript.fixture,
            ["--listen", "127.0.0.1:\(try freeLoopbackPort())", "--processes", "1", "--allowed-clients", "10.0.0.1,nginx"],
            seconds: 10)
        #expect(result.status == 1)
        #expect(result.error.contains("\"nginx\" in --allowed-clients"), "\(result.error)")
    }

    @Test func aUnixSocketIsNotCheckedByAddress() async throws {
        let app = try await SupervisedFixture.start(["--allowed-clients", "10.9.9.9"], nginx: false, deployable: false)
        defer { app.stop() }
        #expect(try await CGIFCGI.request(socket: app.socket, params: CGIFCGI.params("GET", "/api/hello")).status == 200)
    }
}
