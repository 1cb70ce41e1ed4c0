@testable import RouteHandlersFastCGI
import Testing

@Suite("Records: the connection state machine")
struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine

    /// A machine with a request being handled.
    func busy(keep: Bool = true) -> Machine {
        var machine = Machine()
        machine.requestBegan(keepConnection: keep)
        _ = machine.requestArrived()
        return machine
    }

    @Test func aKeptConnectionGoesRoundAndWaitsInEpoll() {
        var machine = Machine()
        #expect(machine.state == .idle && machine.interest == .input)
        machine.requestBegan(keepConnection: true)
        #expect(machine.state == .reading && machine.interest == .input)
        #expect(machine.requestArrived() == .startHandler)
        #expect(machine.state == .busy && machine.interest == .input)
        machine.responseCompleting()
        #expect(machine.responseFinished(sent: true, keepOpen: true) == .none)
        #expect(machine.state == .idle && machine.interest == .input)
    }

    @Test func aConnectionNotKeptClosesAfterItsResponse() {
        var machine = busy(keep: false)
        #expect(machine.responseFinished(sent: true, keepOpen: true) == .close)
        #expect(machine.state == .closed && machine.interest == .nothing)
        var failed = busy()
        #expect(failed.responseFinished(sent: false, keepOpen: true) == .close)
        var stopping = busy()
        #expect(stopping.responseFinished(sent: true, keepOpen: false) == .close)
    }

    @Test func hangUpWhileBusyCancelsThenClosesWhenDone() {
        var machine = busy()
        #expect(machine.endOfInput() == .cancelHandler(hangUp: true))
        #expect(machine.interest == .nothing)
        #expect(machine.endOfInput() == .none)
        #expect(machine.responseFinished(sent: true, keepOpen: true) == .close)
    }

    @Test func hangUpRightAfterTheResponseIsNotAnAbort() {
        var machine = busy()
        machine.responseCompleting()
        #expect(machine.endOfInput() == .cancelHandler(hangUp: false))
        #expect(machine.responseFinished(sent: true, keepOpen: true) == .close)
    }

    @Test func hangUpWhileIdleOrReadingCloses() {
        var idle = Machine()
        #expect(idle.endOfInput() == .close)
        var reading = Machine()
        reading.requestBegan(keepConnection: true)
        #expect(reading.endOfInput() == .close)
    }

    @Test func shutdownWhileIdleServesARequestThatHasArrived() {
        var pending = Machine()
        #expect(pending.shutdown(pendingInput: true) == .serveBuffered)
        #expect(pending.state == .idle)
        pending.requestBegan(keepConnection: true)
        #expect(pending.requestArrived() == .startHandler)
        #expect(pending.responseFinished(sent: true, keepOpen: true) == .close)

        var empty = Machine()
        #expect(empty.shutdown(pendingInput: false) == .close)

        // Input that held no request (a management record, say): closes once acted on.
        var management = Machine()
        _ = management.shutdown(pendingInput: true)
        #expect(management.settle() == .close)

        var working = busy()
        #expect(working.shutdown(pendingInput: false) == .none)
        #expect(working.responseFinished(sent: true, keepOpen: true) == .close)

        // A shutdown that began while a response was being written, seen only as it ends: a request already
        // arrived is served first; none, and the connection closes.
        var racing = busy()
        #expect(racing.responseFinished(sent: true, keepOpen: false, pendingInput: true) == .serveBuffered)
        racing.requestBegan(keepConnection: true)
        #expect(racing.requestArrived() == .startHandler)
        #expect(racing.responseFinished(sent: true, keepOpen: false) == .close)
        var pipelined = busy()
        pipelined.pauseInput()
        #expect(pipelined.responseFinished(sent: true, keepOpen: false) == .serveBuffered)
        var nothing = busy()
        #expect(nothing.responseFinished(sent: true, keepOpen: false) == .close)
        // A broken stream serves nothing more, even with input waiting.
        var broken = busy()
        _ = broken.protocolError()
        broken.pauseInput()
        #expect(broken.responseFinished(sent: true, keepOpen: true, pendingInput: true) == .close)
    }

    @Test func aPipelinedRequestIsServedAfterTheCurrentOne() {
        var machine = busy()
        machine.pauseInput()
        #expect(machine.interest == .hangUpOnly)
        #expect(machine.responseFinished(sent: true, keepOpen: true) == .serveBuffered)
        #expect(machine.state == .idle && machine.interest == .input)
    }

    @Test func abortAndProtocolErrors() {
        var machine = busy()
        #expect(machine.abortRequested() == .cancelHandler(hangUp: false))
        #expect(machine.abortedByWebServer)
        #expect(machine.responseFinished(sent: true, keepOpen: true) == .none)
        #expect(!machine.abortedByWebServer)

        var dropped = Machine()
        dropped.requestBegan(keepConnection: true)
        #expect(dropped.requestDropped(keepConnection: true) == .none)
        #expect(dropped.state == .idle)
        dropped.requestBegan(keepConnection: false)
        #expect(dropped.requestDropped(keepConnection: false) == .close)

        var broken = busy()
        #expect(broken.protocolError() == .cancelHandler(hangUp: false))
        #expect(broken.responseFinished(sent: true, keepOpen: true) == .close)
        var brokenIdle = Machine()
        #expect(brokenIdle.protocolError() == .close)
    }
}
