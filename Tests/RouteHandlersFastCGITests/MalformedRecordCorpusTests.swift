import Foundation
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The malformed-input corpus of the production-runtime issue, against one fixture process behind nginx: after
/// each case, a normal request on a new connection, and one through nginx, answer 200 from the same pid.
@Suite("FastCGI malformed-record corpus against one process", .timeLimit(.minutes(3)))
struct MalformedRecordCorpusTests {
    /// What one case sends, and what it checks of the answer on its own connection.
    struct Case: Sendable {
        var name: String
        var run: @Sendable (RawFastCGIConnection) throws -> Void
    }

    static func dropped(_ connection: RawFastCGIConnection) throws {
        guard connection.closesWithin(seconds: 10) else { throw HarnessError("the connection was not closed") }
    }

    static func answered(_ connection: RawFastCGIConnection, _ request: [UInt8], status: Int = 200) throws {
        let response = try connection.exchange(request)
        guard response.status == status else { throw HarnessError("status \(response.status), not \(status): \(response)") }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        func add(_ name: String, _ run: @escaping @Sendable (RawFastCGIConnection) throws -> Void) {
            cases.append(Case(name: name, run: run))
        }
        add("truncated header") { connection in
            connection.send([1, 1, 0])
            connection.shutdownWrite()
            try dropped(connection)
        }
        add("wrong version") { connection in
            connection.send(
                FCGI.record(FCGI.beginRequest, id: 1, [0, 1, 0, 0, 0, 0, 0, 0], version: 9) + FCGI.request("GET", "/api/hello"))
            try dropped(connection)
        }
        add("unknown record type") { connection in
            connection.send(FCGI.begin() + FCGI.record(42, id: 1, [1, 2, 3]))
            try dropped(connection)
        }
        add("PARAMS before BEGIN_REQUEST") { connection in
            connection.send(FCGI.stream(FCGI.params, FCGI.pairs(FCGI.nginxParams("GET", "/api/hello"))))
            try answered(connection, FCGI.request("GET", "/api/hello"))
        }
        for (name, role) in [("authorizer role", FCGI.authorizer), ("filter role", FCGI.filter)] {
            add(name) { connection in
                connection.send(
                    FCGI.begin(role: role, keepConnection: true)
                        + FCGI.stream(FCGI.params, FCGI.pairs(FCGI.nginxParams("GET", "/api/hello")))
                        + FCGI.record(FCGI.stdin, id: 1) + FCGI.record(FCGI.data, id: 1))
                guard let end = connection.readResponse(), end.protocolStatus == 3 else { throw HarnessError("no UNKNOWN_ROLE") }
                try answered(connection, FCGI.request("GET", "/api/hello"))
            }
        }
        add("FCGI_GET_VALUES") { connection in
            connection.send(FCGI.record(FCGI.getValues, id: 0, FCGI.pairs([("FCGI_MPXS_CONNS", ""), ("FCGI_MAX_CONNS", "")])))
            guard let record = connection.readRecord(), record.type == FCGI.getValuesResult else {
                throw HarnessError("no GET_VALUES_RESULT")
            }
        }
        add("two request ids on one connection") { connection in
            connection.send(
                FCGI.begin(id: 1) + FCGI.request(id: 2, "GET", "/api/hello")
                    + FCGI.stream(FCGI.params, id: 1, FCGI.pairs(FCGI.nginxParams("GET", "/api/hello")))
                    + FCGI.record(FCGI.stdin, id: 1))
            guard let first = connection.readResponse(id: 1), first.protocolStatus == 0,
                try ReceivedResponse.parse(first.stdout).status == 200,
                first.others.contains(where: { $0.id == 2 && $0.protocolStatus == 1 })
            else { throw HarnessError("request 1 not answered or request 2 not refused with CANT_MPX_CONN") }
        }
        for length in [Int(Int32.max) - 1, Int(Int32.max), 256 << 20] {
            add("name-value length \(length)") { connection in
                connection.send(FCGI.begin() + FCGI.record(FCGI.params, id: 1, FCGI.length(length) + FCGI.length(1) + [65, 66, 67]))
                try dropped(connection)
            }
            add("value length \(length)") { connection in
                connection.send(FCGI.begin() + FCGI.record(FCGI.params, id: 1, FCGI.length(1) + FCGI.length(length) + [65, 66, 67]))
                try dropped(connection)
            }
        }
        add("a length past the end of the stream") { connection in
            connection.send(
                FCGI.begin() + FCGI.record(FCGI.params, id: 1, [4, 100, 65, 66, 67, 68, 1, 2]) + FCGI.record(FCGI.params, id: 1))
            try dropped(connection)
        }
        add("content length 65535 then close") { connection in
            connection.send(FCGI.begin() + Array(FCGI.record(FCGI.params, id: 1, [UInt8](repeating: 1, count: 65535)).prefix(1000)))
            connection.close()
        }
        add("padding 255") { connection in
            let request =
                FCGI.record(FCGI.beginRequest, id: 1, [0, 1, 0, 0, 0, 0, 0, 0], padding: 255)
                + FCGI.record(FCGI.params, id: 1, FCGI.pairs(FCGI.nginxParams("GET", "/api/hello")), padding: 255)
                + FCGI.record(FCGI.params, id: 1, padding: 255) + FCGI.record(FCGI.stdin, id: 1, padding: 255)
            try answered(connection, request)
        }
        add("stdin before the end of params") { connection in
            connection.send(
                FCGI.begin() + FCGI.record(FCGI.params, id: 1, FCGI.pairs(FCGI.nginxParams("GET", "/api/hello")))
                    + FCGI.record(FCGI.stdin, id: 1, [1, 2, 3]))
            try dropped(connection)
        }
        add("1 MiB of params") { connection in
            let filler = String(repeating: "p", count: (1 << 20) - 2000)
            try answered(connection, FCGI.request("GET", "/api/hello", extra: [("HTTP_X_FILLER", filler)]))
        }
        add("params over 1 MiB") { connection in
            connection.send(FCGI.request("GET", "/api/hello", extra: [("HTTP_X_FILLER", String(repeating: "p", count: 1 << 20))]))
            try dropped(connection)
        }
        add("3000 tiny params") { connection in
            try answered(connection, FCGI.request("GET", "/api/hello", extra: (0..<3000).map { ("HTTP_X_\($0)", "v") }))
        }
        add("ABORT_REQUEST mid-params") { connection in
            connection.send(
                FCGI.begin(keepConnection: true) + FCGI.record(FCGI.params, id: 1, FCGI.pairs(FCGI.nginxParams("GET", "/api/hello")))
                    + FCGI.record(FCGI.abortRequest, id: 1))
            guard let end = connection.readResponse(), end.protocolStatus == 0 else { throw HarnessError("no END_REQUEST after ABORT") }
            try answered(connection, FCGI.request("GET", "/api/hello"))
        }
        add("random bytes") { connection in
            var generator = SplitMix(seed: 12)
            connection.send((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            try dropped(connection)
        }
        add("NUL and invalid UTF-8 in values") { connection in
            var params = FCGI.pairs(FCGI.nginxParams("GET", "/api/request"))
            for value: [UInt8] in [[97, 0, 98], [0xFF, 0xFE, 0xC0, 0x80], [0xED, 0xA0, 0x80]] {
                params += FCGI.length(11) + FCGI.length(value.count) + Array("HTTP_X_ODDS".utf8) + value
            }
            let response = try connection.exchange(FCGI.begin() + FCGI.stream(FCGI.params, params) + FCGI.record(FCGI.stdin, id: 1))
            guard response.status == 200 || response.status == 400 else { throw HarnessError("status \(response.status)") }
        }
        add("garbage after a kept-alive request") { connection in
            try answered(connection, FCGI.request("GET", "/api/hello", keepConnection: true))
            connection.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            try dropped(connection)
        }
        return cases
    }()

    static func pid(socket: String) throws -> Int {
        let connection = try RawFastCGIConnection(unixPath: socket)
        let response = try connection.exchange(FCGI.request("GET", "/api/pid"))
        guard response.status == 200, let pid = try response.json()["pid"] as? Int else { throw HarnessError("no pid: \(response)") }
        return pid
    }

    @Test func everyCaseLeavesTheSameProcessAnswering() async throws {
        // nginx in front, with its kept-alive upstream connections, as in production.
        let fixture = try await SupervisedFixture.start(deployable: false)
        defer { fixture.stop() }
        let (app, socket, nginx) = (fixture.app, fixture.socket, fixture.nginx)
        let pid = try await offload { try Self.pid(socket: socket) }
        #expect(pid == Int(app.pid))
        // A kept-alive connection open all along, with a request in flight through the whole corpus: other
        // connections never notice.
        let bystander = try RawFastCGIConnection(unixPath: socket)
        defer { bystander.close() }
        #expect(try await offload { try bystander.exchange(FCGI.request("GET", "/api/hello", keepConnection: true)).status } == 200)
        bystander.send(FCGI.request("GET", "/api/sleep?ms=1500", keepConnection: true))

        // Load through nginx while the corpus runs: 4 curl clients, 100 requests each on kept-alive connections.
        let urls = (0..<100).flatMap { _ in ["-o", "/dev/null", nginx.baseURL + "/api/hello"] }
        let load = (0..<4).map { _ in
            Task.detached {
                try await runCommand("/usr/bin/curl", ["-s", "-w", "%{http_code}\\n", "--max-time", "60"] + urls, seconds: 90)
            }
        }

        for item in Self.cases {
            do {
                try await offload {
                    let connection = try RawFastCGIConnection(unixPath: socket)
                    try item.run(connection)
                }
            } catch {
                Issue.record("\(item.name): \(error)")
            }
            let after = try? await offload { try Self.pid(socket: socket) }
            #expect(after == pid, "after \(item.name)")
            let throughNginx = try await nginx.request("/api/pid")
            #expect(throughNginx.status == 200 && (try? throughNginx.json()["pid"] as? Int) == pid, "through nginx after \(item.name)")
        }
        for client in load {
            let codes = String(decoding: try await client.value.output, as: UTF8.self).split(separator: "\n")
            #expect(codes.count == 100 && codes.allSatisfy { $0 == "200" }, "load through nginx: \(Set(codes))")
        }
        let inFlight = try await offload { () -> ReceivedResponse in
            guard let response = bystander.readResponse(seconds: 10) else { throw HarnessError("the bystander's request was lost") }
            return try ReceivedResponse.parse(response.stdout)
        }
        #expect(inFlight.status == 200)
        #expect(try await offload { try bystander.exchange(FCGI.request("GET", "/api/hello", keepConnection: true)).status } == 200)

        // Each dropped request is one log line naming the peer and the reason.
        let log = app.errorOutput
        #expect(log.contains("Dropped a FastCGI request from"), "log: \(log)")
        #expect(log.contains("a name-value pair declares 2147483647 bytes, more than the params limit of 1048576 bytes allows"))
        #expect(log.contains("STDIN before the end of PARAMS"))
        #expect(log.contains("unsupported FastCGI version 9"))
    }
}

/// A small deterministic generator for the random-bytes case.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
