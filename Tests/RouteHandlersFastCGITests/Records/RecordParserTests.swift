@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Testing

/// Feeds `bytes` to `parser` (all at once, or `chunk` bytes at a time as a socket might deliver them) and
/// returns the events up to the first `needMore` at the end, `pipelined` or `invalid`.
func events(_ bytes: [UInt8], parser: inout RecordParser, chunk: Int? = nil) -> [RecordParser.Event] {
    var result: [RecordParser.Event] = []
    var buffer: [UInt8] = []
    var fed = 0
    while true {
        let (event, consumed) = buffer.withUnsafeBytes { parser.next($0) }
        switch event {
        case .needMore:
            guard fed < bytes.count else { return result }
            let next = min(bytes.count, fed + (chunk ?? bytes.count))
            buffer += bytes[fed..<next]
            fed = next
            continue
        case .pipelined, .invalid:
            result.append(event)
            return result
        default:
            result.append(event)
        }
        buffer.removeFirst(consumed)
    }
}

/// The events with content ranges replaced by what they stand for, for comparing runs fed differently.
func summary(_ events: [RecordParser.Event]) -> [String] {
    events.map { event in
        switch event {
        case .params(let range): "params(\(range.count))"
        case .stdin(let range): "stdin(\(range.count))"
        case .getValues(let range): "getValues(\(range.count))"
        default: "\(event)"
        }
    }
}

@Suite("Records: the parser and validator")
struct RecordParserTests {
    @Test func aRequestAsNginxSendsIt() {
        var parser = RecordParser(maxParamsSize: 1 << 20)
        let body = [UInt8](repeating: 65, count: 70_000)
        let got = summary(events(FCGI.request("POST", "/api/echo", keepConnection: true, body: body), parser: &parser))
        let params = FCGI.pairs(FCGI.nginxParams("POST", "/api/echo") + [("CONTENT_LENGTH", "70000")]).count
        #expect(
            got == [
                "beginRequest(id: 1, keepConnection: true)", "params(\(params))", "paramsEnd", "stdin(65535)", "stdin(4465)", "stdinEnd",
            ])
        #expect(parser.phase == .inFlight)
        #expect(parser.keepConnection)
    }

    @Test func feedingOneByteAtATimeGivesTheSameEvents() {
        let request = FCGI.request("POST", "/x", extra: [("HTTP_X_LONG", String(repeating: "v", count: 300))], body: [1, 2, 3])
        var whole = RecordParser(maxParamsSize: 1 << 20)
        var bytewise = RecordParser(maxParamsSize: 1 << 20)
        #expect(summary(events(request, parser: &whole)) == summary(events(request, parser: &bytewise, chunk: 1)))
    }

    @Test func paddingIsSkipped() {
        var parser = RecordParser(maxParamsSize: 1 << 20)
        let bytes =
            FCGI.record(FCGI.beginRequest, id: 1, [0, 1, 0, 0, 0, 0, 0, 0], padding: 255)
            + FCGI.record(FCGI.params, id: 1, FCGI.pairs([("A", "b")]), padding: 255) + FCGI.record(FCGI.params, id: 1, padding: 7)
            + FCGI.record(FCGI.stdin, id: 1, padding: 255)
        #expect(
            summary(events(bytes, parser: &parser)) == ["beginRequest(id: 1, keepConnection: false)", "params(4)", "paramsEnd", "stdinEnd"])
    }

    @Test func aWrongVersionIsRefusedFromTheHeaderAlone() {
        var parser = RecordParser(maxParamsSize: 1 << 20)
        let header = Array(FCGI.record(FCGI.beginRequest, id: 1, [UInt8](repeating: 0, count: 8), version: 2).prefix(8))
        #expect(events(header, parser: &parser) == [.invalid(.unsupportedVersion(2))])
    }

    @Test(arguments: [Int(Int32.max) - 1, Int(Int32.max), 256 << 20])
    func hugeDeclaredLengthsAreRefusedWithoutWaitingForThem(length: Int) {
        var parser = RecordParser(maxParamsSize: 1 << 20)
        // The reproduction: the first four bytes of the params are the length 0xFFFFFFFE and friends.
        let content = FCGI.length(length) + FCGI.length(1) + [65, 66]
        let got = events(FCGI.begin() + FCGI.record(FCGI.params, id: 1, content), parser: &parser)
        #expect(got.last == .invalid(.pairTooLarge(declared: length + 1, limit: 1 << 20)))
        var valueFirst = RecordParser(maxParamsSize: 1 << 20)
        let value = events(FCGI.begin() + FCGI.record(FCGI.params, id: 1, FCGI.length(1) + FCGI.length(length) + [65]), parser: &valueFirst)
        #expect(value.last == .invalid(.pairTooLarge(declared: length + 1, limit: 1 << 20)))
    }

    @Test func aLengthPastTheEndOfTheStreamIsRefusedAtItsEnd() {
        var parser = RecordParser(maxParamsSize: 1 << 20)
        let bytes = FCGI.begin() + FCGI.record(FCGI.params, id: 1, [4, 100, 65, 66, 67, 68, 1, 2, 3]) + FCGI.record(FCGI.params, id: 1)
        #expect(events(bytes, parser: &parser).last == .invalid(.invalidParams(.lengthPastEnd(offset: 0, declared: 104, remaining: 7))))
        var truncated = RecordParser(maxParamsSize: 1 << 20)
        let cut = FCGI.begin() + FCGI.record(FCGI.params, id: 1, [0x80, 0]) + FCGI.record(FCGI.params, id: 1)
        #expect(events(cut, parser: &truncated).last == .invalid(.invalidParams(.truncatedLength(offset: 0))))
    }

    @Test func paramsUpToTheCapPassAndOneByteMoreDoesNot() {
        let content = FCGI.pairs([("HTTP_X_BIG", String(repeating: "x", count: 100_000))])
        var exact = RecordParser(maxParamsSize: content.count)
        let bytes = FCGI.begin() + FCGI.stream(FCGI.params, content) + FCGI.record(FCGI.stdin, id: 1)
        #expect(events(bytes, parser: &exact).suffix(2) == [.paramsEnd, .stdinEnd])
        var under = RecordParser(maxParamsSize: content.count - 1)
        // The one pair's declared length already tells it will not fit.
        #expect(events(bytes, parser: &under).last == .invalid(.pairTooLarge(declared: 100_010, limit: content.count - 1)))
        // Many small pairs: refused at the record that crosses the cap.
        let many = FCGI.pairs((0..<2000).map { ("HTTP_X_\($0)", "value") })
        var small = RecordParser(maxParamsSize: 20_000)
        #expect(
            events(FCGI.begin() + FCGI.stream(FCGI.params, many, chunk: 8000), parser: &small).last
                == .invalid(.paramsTooLarge(limit: 20_000)))
    }

    @Test func threeThousandTinyParams() {
        var parser = RecordParser(maxParamsSize: 1 << 20)
        let pairs = (0..<3000).map { ("HTTP_X_\($0)", "v") }
        let got = events(FCGI.begin() + FCGI.stream(FCGI.params, FCGI.pairs(pairs)) + FCGI.record(FCGI.stdin, id: 1), parser: &parser)
        #expect(got.last == .stdinEnd)
    }

    @Test func outOfOrderAndForeignRecords() {
        var stdinFirst = RecordParser(maxParamsSize: 1 << 20)
        #expect(events(FCGI.begin() + FCGI.record(FCGI.stdin, id: 1, [1]), parser: &stdinFirst).last == .invalid(.stdinBeforeParamsEnd))

        // PARAMS before any BEGIN_REQUEST belongs to no request: ignored, as is a record for an inactive id.
        var paramsFirst = RecordParser(maxParamsSize: 1 << 20)
        #expect(events(FCGI.record(FCGI.params, id: 1, [1, 1, 65, 66]), parser: &paramsFirst) == [.ignored])

        var stdout = RecordParser(maxParamsSize: 1 << 20)
        #expect(events(FCGI.record(FCGI.stdout, id: 1, [1]), parser: &stdout) == [.invalid(.unexpectedType(FCGI.stdout, requestID: 1))])
        var unknown = RecordParser(maxParamsSize: 1 << 20)
        #expect(events(FCGI.record(42, id: 1), parser: &unknown) == [.invalid(.unexpectedType(42, requestID: 1))])

        var shortBegin = RecordParser(maxParamsSize: 1 << 20)
        #expect(
            events(FCGI.record(FCGI.beginRequest, id: 1, [0, 1]), parser: &shortBegin) == [
                .invalid(.malformedBeginRequest(contentLength: 2))
            ])
    }

    @Test func rolesOtherThanResponderAreReported() {
        for role in [FCGI.authorizer, FCGI.filter, 99] {
            var parser = RecordParser(maxParamsSize: 1 << 20)
            let got = events(
                FCGI.begin(id: 3, role: role, keepConnection: true) + FCGI.stream(FCGI.params, id: 3, FCGI.pairs([("A", "b")])),
                parser: &parser)
            #expect(got == [.unknownRole(id: 3, role: role, keepConnection: true), .ignored, .ignored])
            #expect(parser.phase == .idle)
        }
    }

    @Test func managementRecords() {
        var parser = RecordParser(maxParamsSize: 1 << 20)
        let query = FCGI.pairs([("FCGI_MAX_CONNS", ""), ("FCGI_MPXS_CONNS", "")])
        #expect(summary(events(FCGI.record(FCGI.getValues, id: 0, query), parser: &parser)) == ["getValues(\(query.count))"])
        #expect(events(FCGI.record(200, id: 0, [1, 2]), parser: &parser) == [.unknownManagementType(200)])

        var answer: [UInt8] = []
        query.withUnsafeBytes {
            RecordEncoder.appendGetValuesResult(
                query: $0, known: [("FCGI_MAX_CONNS", "10"), ("FCGI_MAX_REQS", "10"), ("FCGI_MPXS_CONNS", "0")], to: &answer)
        }
        #expect(answer == FCGI.record(FCGI.getValuesResult, id: 0, FCGI.pairs([("FCGI_MAX_CONNS", "10"), ("FCGI_MPXS_CONNS", "0")])))
    }

    @Test func oneRequestAtATime() {
        var parser = RecordParser(maxParamsSize: 1 << 20)
        // A second id while the first is being read: refused, its records ignored, the first unaffected.
        let got = events(
            FCGI.begin(id: 1) + FCGI.begin(id: 2) + FCGI.stream(FCGI.params, id: 2, FCGI.pairs([("A", "b")]))
                + FCGI.stream(FCGI.params, id: 1, FCGI.pairs([("A", "b")])) + FCGI.record(FCGI.stdin, id: 1), parser: &parser)
        #expect(
            summary(got) == [
                "beginRequest(id: 1, keepConnection: false)", "multiplexed(id: 2)", "ignored", "ignored", "params(4)", "paramsEnd",
                "stdinEnd",
            ])

        // While it is in flight: another id is refused, the same id is the next (pipelined) request and waits.
        #expect(events(FCGI.begin(id: 7), parser: &parser) == [.multiplexed(id: 7)])
        let next = FCGI.request(id: 1, "GET", "/api/hello")
        #expect(events(next, parser: &parser) == [.pipelined])
        #expect(events(FCGI.begin(id: 1), parser: &parser) == [.pipelined])
        // Once its END_REQUEST is on its way, the next request may come with any id: it waits too.
        parser.responseEnding()
        #expect(events(FCGI.begin(id: 7), parser: &parser) == [.pipelined])
        parser.requestFinished()
        #expect(events(next, parser: &parser).last == .stdinEnd)
    }

    @Test func abortBeforeAndAfterTheRequestArrived() {
        var reading = RecordParser(maxParamsSize: 1 << 20)
        let got = events(
            FCGI.begin() + FCGI.record(FCGI.params, id: 1, FCGI.pairs([("A", "b")])) + FCGI.record(FCGI.abortRequest, id: 1),
            parser: &reading)
        #expect(got.last == .abort)
        #expect(reading.phase == .idle)

        var inFlight = RecordParser(maxParamsSize: 1 << 20)
        _ = events(FCGI.request("GET", "/x"), parser: &inFlight)
        #expect(events(FCGI.record(FCGI.abortRequest, id: 1), parser: &inFlight) == [.abort])
        #expect(inFlight.phase == .inFlight)
        #expect(events(FCGI.record(FCGI.abortRequest, id: 9), parser: &inFlight) == [.ignored])
        #expect(events(FCGI.record(FCGI.stdin, id: 1, [1]), parser: &inFlight) == [.invalid(.recordAfterEnd(FCGI.stdin))])
    }

    @Test func nameValuePairsDecode() throws {
        let bytes = FCGI.pairs([("NAME", "value"), ("EMPTY", ""), ("LONG", String(repeating: "z", count: 200))])
        var names: [String] = []
        try bytes.withUnsafeBytes { buffer in
            try NameValuePairs.forEach(in: buffer) { pair in
                names.append(String(decoding: UnsafeRawBufferPointer(rebasing: buffer[pair.name]), as: UTF8.self) + "=\(pair.value.count)")
            }
        }
        #expect(names == ["NAME=5", "EMPTY=0", "LONG=200"])
    }
}
