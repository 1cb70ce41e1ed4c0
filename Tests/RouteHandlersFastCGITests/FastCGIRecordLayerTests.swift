import FixtureRoutes
import Foundation
import Logging
import RouteHandlers
@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The FastCGI specification at the socket (conformance issue items 2, 3 and 5): management records, one request
/// at a time per connection, pipelining, ABORT_REQUEST, roles.
@Suite("FastCGI record layer at the socket", .timeLimit(.minutes(2)))
struct FastCGIRecordLayerTests {
    /// Runs `body` against an in-process server for the gateway routes, logging at debug level into `capture`.
    /// With `statusPath`, the status page answers there.
    func withServer(
        ioThreads: Int = 4, statusPath: String? = nil, _ body: (String, CapturingLogHandler) async throws -> Void
    ) async throws {
        let capture = CapturingLogHandler()
        capture.logLevel = .debug
        try await withInProcessServer(gatewayTestRouter(), logger: Logger(label: "test") { _ in capture }) {
            $0.ioThreads = ioThreads
            $0.statusPath = statusPath
        } _: { server in
            try await body(server.socketPath, capture)
        }
    }

    /// A number on the status page (`?json`) of a server started with `statusPath: "/status"`.
    static func statusField(_ name: String, _ socket: String) async -> Int? {
        let page = try? await offload { try RawFastCGIConnection(unixPath: socket).exchange(FCGI.request("GET", "/status?json")) }
        return (page.flatMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] })?[name] as? Int
    }

    static let getValues = FCGI.record(
        FCGI.getValues, id: 0, FCGI.pairs([("FCGI_MAX_CONNS", ""), ("FCGI_MAX_REQS", ""), ("FCGI_MPXS_CONNS", "")]))

    @Test func aLoneGetValuesIsAnsweredAtOnceAndHoldsNoThread() async throws {
        try await withServer(ioThreads: 2) { socket, _ in
            let values = try await offload { () -> [String: String] in
                // More lone GET_VALUES connections than I/O threads, left open.
                let idle = try (0..<4).map { _ in try RawFastCGIConnection(unixPath: socket) }
                for connection in idle { connection.send(Self.getValues) }
                var answers: [String: String] = [:]
                for connection in idle {
                    guard let record = connection.readRecord(seconds: 10), record.type == FCGI.getValuesResult, record.id == 0 else {
                        throw HarnessError("no GET_VALUES_RESULT")
                    }
                    answers = decodePairs(record.content)
                }
                // Each connection is still usable, and others are served meanwhile.
                let other = try RawFastCGIConnection(unixPath: socket)
                guard try other.exchange(FCGI.request("GET", "/api/hello")).status == 200,
                    try idle[0].exchange(FCGI.request("GET", "/api/hello")).status == 200
                else { throw HarnessError("not served") }
                return answers
            }
            #expect(values["FCGI_MPXS_CONNS"] == "0")
            #expect(Int(values["FCGI_MAX_CONNS"] ?? "") ?? 0 > 0)
            #expect(Int(values["FCGI_MAX_REQS"] ?? "") ?? 0 > 0)
        }
    }

    @Test func anUnknownManagementRecordGetsUnknownTypeAndTheConnectionStays() async throws {
        try await withServer { socket, _ in
            try await offload {
                let connection = try RawFastCGIConnection(unixPath: socket)
                connection.send(FCGI.record(99, id: 0, [1, 2, 3, 4]))
                let record = connection.readRecord(seconds: 10)
                #expect(record == ReceivedRecord(type: FCGI.unknownType, id: 0, content: [99, 0, 0, 0, 0, 0, 0, 0]))
                #expect(try connection.exchange(FCGI.request("GET", "/api/hello")).status == 200)
            }
        }
    }

    @Test func aSecondRequestIDWhileOneIsInFlightGetsCantMpxConn() async throws {
        try await withServer { socket, _ in
            try await offload {
                let connection = try RawFastCGIConnection(unixPath: socket)
                connection.send(FCGI.request(id: 1, "GET", "/api/sleep?ms=8000", keepConnection: true))
                usleep(50_000)
                connection.send(FCGI.request(id: 2, "GET", "/api/hello", keepConnection: true))
                // The refusal is the first record back: it did not wait for the first request (8 s) to end, whose
                // answer would have come first.
                let refusal = connection.readRecord(seconds: 10)
                #expect(refusal?.id == 2 && refusal?.protocolStatus == 1, "\(String(describing: refusal))")
                let first = try #require(connection.readResponse(id: 1, seconds: 20))
                #expect(first.protocolStatus == 0)
                #expect(try ReceivedResponse.parse(first.stdout).status == 200)
                // The connection serves the next request.
                #expect(try connection.exchange(FCGI.request(id: 2, "GET", "/api/hello", keepConnection: true), id: 2).status == 200)
            }
        }
    }

    @Test func pipelinedRequestsAreAllAnsweredInOrder() async throws {
        try await withServer { socket, _ in
            try await offload {
                let connection = try RawFastCGIConnection(unixPath: socket)
                let body = [UInt8](repeating: 9, count: 100_000)
                connection.send(
                    FCGI.request("GET", "/api/sleep?ms=50", keepConnection: true)
                        + FCGI.request("POST", "/api/echo", keepConnection: true, body: body)
                        + FCGI.request("GET", "/api/users/42", keepConnection: false))
                let first = try #require(connection.readResponse())
                #expect(try ReceivedResponse.parse(first.stdout).text.contains("50ms"))
                let second = try #require(connection.readResponse())
                #expect(try ReceivedResponse.parse(second.stdout).json()["count"] as? String == "100000")
                let third = try #require(connection.readResponse())
                #expect(try ReceivedResponse.parse(third.stdout).text.contains("42"))
                // The last one did not ask to keep the connection.
                #expect(connection.closesWithin(seconds: 10))
            }
        }
    }

    @Test func abortRequestCancelsTheHandlerAndTheConnectionServesTheNextRequest() async throws {
        try await withServer { socket, _ in
            try await offload {
                let connection = try RawFastCGIConnection(unixPath: socket)
                connection.send(FCGI.request("GET", "/api/sleep?ms=20000", keepConnection: true))
                usleep(200_000)
                connection.send(FCGI.record(FCGI.abortRequest, id: 1))
                // Ended within 10 s of a 20 s sleep: the abort cancelled it (milliseconds on an idle machine).
                let ended = connection.readResponse(seconds: 10)
                #expect(ended?.protocolStatus == 0)
                #expect(try connection.exchange(FCGI.request("GET", "/api/hello", keepConnection: true)).status == 200)

                // A stream aborted part-way ends with END_REQUEST too, and the connection stays.
                connection.send(FCGI.request("GET", "/api/ticks?ms=100", keepConnection: true))
                #expect(connection.readRecord(seconds: 10)?.type == FCGI.stdout)
                connection.send(FCGI.record(FCGI.abortRequest, id: 1))
                #expect(connection.readResponse(seconds: 10)?.protocolStatus == 0)
                #expect(try connection.exchange(FCGI.request("GET", "/api/hello", keepConnection: true)).status == 200)

                // Aborted while its params are still arriving, on a connection not kept: answered, then closed.
                let early = try RawFastCGIConnection(unixPath: socket)
                early.send(
                    FCGI.begin(keepConnection: false) + FCGI.record(FCGI.params, id: 1, FCGI.pairs([("REQUEST_METHOD", "GET")]))
                        + FCGI.record(FCGI.abortRequest, id: 1))
                #expect(early.readResponse(seconds: 10)?.protocolStatus == 0)
                #expect(early.closesWithin(seconds: 10))
            }
        }
    }

    @Test func authorizerAndFilterRolesGetUnknownRole() async throws {
        try await withServer { socket, _ in
            try await offload {
                for role in [FCGI.authorizer, FCGI.filter] {
                    let kept = try RawFastCGIConnection(unixPath: socket)
                    kept.send(
                        FCGI.begin(role: role, keepConnection: true)
                            + FCGI.stream(FCGI.params, FCGI.pairs(FCGI.nginxParams("GET", "/api/hello")))
                            + FCGI.record(FCGI.stdin, id: 1))
                    let end = kept.readResponse(seconds: 10)
                    #expect(end?.protocolStatus == 3)
                    #expect(end?.stdout.isEmpty == true)
                    #expect(try kept.exchange(FCGI.request("GET", "/api/hello")).status == 200)

                    let closed = try RawFastCGIConnection(unixPath: socket)
                    closed.send(FCGI.begin(role: role, keepConnection: false))
                    #expect(closed.readResponse(seconds: 10)?.protocolStatus == 3)
                    #expect(closed.closesWithin(seconds: 10))
                }
            }
        }
    }

    @Test func closingRightAfterEndRequestIsNotAHangUpInFlight() async throws {
        try await withServer { socket, capture in
            try await offload {
                for _ in 0..<50 {
                    let connection = try RawFastCGIConnection(unixPath: socket)
                    _ = try connection.exchange(FCGI.request("GET", "/api/hello", keepConnection: true))
                    connection.close()
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(!capture.messages.contains { $0.contains("closed the connection of a request in flight") })

            // A real hang-up in flight is still noticed.
            try await offload {
                let connection = try RawFastCGIConnection(unixPath: socket)
                connection.send(FCGI.request("GET", "/api/sleep?ms=20000", keepConnection: true))
                usleep(200_000)
                connection.close()
            }
            #expect(
                await eventually(seconds: 15) { capture.messages.contains { $0.contains("closed the connection of a request in flight") } })
        }
    }
}

extension FastCGIRecordLayerTests {
    /// Conformance issue item 4 at the socket: slow uploaders and peers that never read their response hold no
    /// thread, so with 2 I/O threads, 20 of each leave other requests answering at once.
    @Test func slowPeersPinNoThread() async throws {
        try await withServer(ioThreads: 2) { socket, _ in
            let slowest = try await offload { () -> Double in
                var held: [RawFastCGIConnection] = []
                defer { held.forEach { $0.close() } }
                let upload = FCGI.request("POST", "/api/echo", keepConnection: true, body: [UInt8](repeating: 1, count: 100_000))
                for _ in 0..<20 {
                    let uploader = try RawFastCGIConnection(unixPath: socket)
                    uploader.send(Array(upload.prefix(upload.count - 99_990)))
                    held.append(uploader)
                    let stalled = try RawFastCGIConnection(unixPath: socket)
                    // 1 MiB is far more than the socket buffers hold.
                    stalled.send(FCGI.request("GET", "/api/big?mb=1", keepConnection: true))
                    held.append(stalled)
                }
                // Each stalled response has begun (built, and written as far as the socket takes it): from
                // now on its writer can only wait for a reader that never comes.
                for stalled in held.enumerated().filter({ $0.offset % 2 == 1 }).map(\.element) {
                    guard stalled.readRecord(seconds: 20)?.type == FCGI.stdout else { throw HarnessError("no response began") }
                }
                var slowest = 0.0
                for _ in 0..<5 {
                    let started = Date()
                    let connection = try RawFastCGIConnection(unixPath: socket)
                    guard try connection.exchange(FCGI.request("GET", "/api/hello"), seconds: 10).status == 200 else {
                        throw HarnessError("not 200")
                    }
                    slowest = max(slowest, Date().timeIntervalSince(started))
                }
                // The stalled readers still get their whole 1 MiB once they read.
                let reader = held[1]
                guard let big = reader.readResponse(seconds: 10), big.stdout.count > (1 << 20) - 65535 else {
                    throw HarnessError("no big response")
                }
                return slowest
            }
            // With a thread pinned per stalled peer, nothing would be answered at all; a few milliseconds on an
            // idle machine, generous here for a loaded one.
            #expect(slowest < 3)
        }
    }
}

extension FastCGIRecordLayerTests {
    /// Management answers owed to a peer that does not read are bounded: past the limit, the peer is dropped.
    @Test func aPeerThatAsksWithoutReadingIsDropped() async throws {
        try await withServer(statusPath: "/status") { socket, _ in
            try await offload {
                let greedy = try RawFastCGIConnection(unixPath: socket)
                greedy.send(FCGI.request("GET", "/api/big?mb=1", keepConnection: true))
                // Its response is part-way out (the socket is full), so answers queue behind it.
                guard greedy.readRecord(seconds: 20)?.type == FCGI.stdout else { throw HarnessError("no response began") }
                let burst = [UInt8]((0..<200).flatMap { _ in Self.getValues })
                for _ in 0..<30 where greedy.send(burst) {}
                #expect(try RawFastCGIConnection(unixPath: socket).exchange(FCGI.request("GET", "/api/hello")).status == 200)
                // Dropped: the connection is cut, not left holding its response.
                #expect(greedy.closesWithin(seconds: 10))
            }
            // Counted as a connection dropped for breaking the protocol (at least once: under load the count
            // has been seen at 2 for this one peer).
            #expect(await eventually(seconds: 10) { (await Self.statusField("dropped connections", socket) ?? 0) >= 1 })
        }
    }
}

/// The name-value pairs of a record's content (short lengths only: what the tests send and receive).
func decodePairs(_ bytes: [UInt8]) -> [String: String] {
    var result: [String: String] = [:]
    var index = 0
    func length() -> Int {
        let first = Int(bytes[index])
        if first < 128 {
            index += 1
            return first
        }
        defer { index += 4 }
        return (first & 0x7F) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
    }
    while index < bytes.count {
        let name = length(), value = length()
        result[String(decoding: bytes[index..<index + name], as: UTF8.self)] = String(
            decoding: bytes[index + name..<index + name + value], as: UTF8.self)
        index += name + value
    }
    return result
}
