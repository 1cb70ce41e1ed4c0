@testable import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Testing

/// The machine frames the records itself (its parser lives inside it): the transitions records imply, and the
/// parser moving on with the response, without the connection keeping the two in step.
@Suite("Records: the state machine reading records")
struct ConnectionStateMachineRecordTests {
    typealias Machine = ConnectionStateMachine

    /// Feeds `bytes` to `machine` until it needs more (or stops at a pipelined request); returns the events.
    func feed(_ bytes: [UInt8], to machine: inout Machine) -> [RecordParser.Event] {
        var offset = 0
        var events: [RecordParser.Event] = []
        while true {
            let (event, consumed) = bytes.withUnsafeBytes { machine.nextRecord(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            offset += consumed
            if event == .needMore || event == .pipelined { return events + [event] }
            events.append(event)
        }
    }

    @Test func aWholeRequestBeginsReadingThenStartsItsHandler() {
        var machine = Machine()
        let events = feed(FCGI.request(id: 7, "GET", "/x", keepConnection: true), to: &machine)
        #expect(events.first == .beginRequest(id: 7, keepConnection: true))
        #expect(machine.state == .reading && machine.keepConnection && machine.requestID == 7)
        #expect(machine.stdinEnded() == .startHandler)
        #expect(machine.state == .busy)
    }

    @Test func paramsWithoutTheirBodyStartAStreamedHandlerOnceTheRecordsRunOut() {
        var machine = Machine()
        let head = FCGI.begin(id: 1, keepConnection: true) + FCGI.stream(FCGI.params, id: 1, FCGI.pairs(FCGI.nginxParams("POST", "/up")))
        #expect(feed(head + FCGI.record(FCGI.stdin, id: 1, [1, 2, 3]), to: &machine).last == .needMore)
        #expect(machine.recordsExhausted() == .startHandler)
        #expect(machine.bodyArriving)
        #expect(machine.recordsExhausted() == .none)
    }

    @Test func theNextRequestWaitsBehindTheOneInFlightAndIsReadAfterItsResponse() {
        var machine = Machine()
        let first = FCGI.request(id: 1, "GET", "/a", keepConnection: true)
        _ = feed(first, to: &machine)
        #expect(machine.stdinEnded() == .startHandler)
        // The web server read END_REQUEST and sent the next request at once: it waits, input paused.
        machine.responseCompleting()
        #expect(feed(FCGI.request(id: 1, "GET", "/b", keepConnection: true), to: &machine) == [.pipelined])
        #expect(machine.interest == .hangUpOnly)
        #expect(machine.responseFinished(sent: true, keepOpen: true) == .serveBuffered)
        // The parser moved on with the response: the buffered request is a new one.
        #expect(
            feed(FCGI.request(id: 1, "GET", "/b", keepConnection: true), to: &machine).first == .beginRequest(id: 1, keepConnection: true))
    }

    @Test func anAbortBeforeTheHandlerRanIsOwedItsEndRequestAndDropsTheRequest() {
        var reading = Machine()
        _ = feed(FCGI.begin(id: 3, keepConnection: true), to: &reading)
        let (action, endRequest) = reading.abortReceived()
        #expect(action == .none && endRequest)
        #expect(reading.state == .idle)

        var busy = Machine()
        _ = feed(FCGI.request(id: 4, "GET", "/slow", keepConnection: true), to: &busy)
        _ = busy.stdinEnded()
        let (cancel, owed) = busy.abortReceived()
        #expect(cancel == .cancelHandler(hangUp: false) && !owed)
        #expect(busy.abortedByWebServer)
    }

    @Test func aBodyStillArrivingAfterTheResponseIsDrainedThenTheConnectionIsFree() {
        var machine = Machine()
        let head = FCGI.begin(id: 1, keepConnection: true) + FCGI.stream(FCGI.params, id: 1, FCGI.pairs(FCGI.nginxParams("POST", "/up")))
        _ = feed(head + FCGI.record(FCGI.stdin, id: 1, [1]), to: &machine)
        #expect(machine.recordsExhausted() == .startHandler)
        machine.responseCompleting()
        #expect(machine.responseFinished(sent: true, keepOpen: true) == .none)
        #expect(machine.state == .draining)
        // The rest of the body is still this request's stdin (not the start of another), then the end of it.
        #expect(
            feed(FCGI.record(FCGI.stdin, id: 1, [2, 3]) + FCGI.record(FCGI.stdin, id: 1), to: &machine) == [
                .stdin(8..<10), .stdinEnd, .needMore,
            ])
        #expect(machine.stdinEnded() == .none)
        #expect(machine.state == .idle)
        #expect(
            feed(FCGI.request(id: 2, "GET", "/next", keepConnection: true), to: &machine).first
                == .beginRequest(id: 2, keepConnection: true))
    }
}
