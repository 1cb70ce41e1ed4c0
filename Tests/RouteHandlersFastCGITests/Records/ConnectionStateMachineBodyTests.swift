@testable import RouteHandlersFastCGI
import Testing

/// "Busy while the body is still arriving": the handler of a streamed request runs before its stdin ends.
@Suite("Records: the connection state machine with a streamed body")
struct ConnectionStateMachineBodyTests {
    typealias Machine = ConnectionStateMachine

    /// A machine whose handler runs while the body arrives.
    func streaming(keep: Bool = true) -> Machine {
        var machine = Machine()
        machine.requestBegan(keepConnection: keep)
        _ = machine.bodyStreamStarted()
        return machine
    }

    @Test func theHandlerStartsWhenTheParamsEndAndStdinEndsTheBody() {
        var machine = Machine()
        machine.requestBegan(keepConnection: true)
        #expect(machine.bodyStreamStarted() == .startHandler)
        #expect(machine.state == .busy && machine.bodyArriving && machine.interest == .input)
        #expect(machine.bodyStreamStarted() == .none)
        // The end of stdin ends the body; it starts nothing more.
        #expect(machine.requestArrived() == .none)
        #expect(machine.state == .busy && !machine.bodyArriving)
        #expect(machine.responseFinished(sent: true, keepOpen: true) == .none)
        #expect(machine.state == .idle)
    }

    @Test func backPressurePausesReadingButWatchesHangUp() {
        var machine = streaming()
        machine.pauseBody()
        #expect(machine.interest == .hangUpOnly)
        let resumed = machine.resumeBody()
        let again = machine.resumeBody()
        #expect(resumed && !again)
        #expect(machine.interest == .input)
        machine.pauseBody()
        #expect(machine.endOfInput() == .cancelHandler(hangUp: true))
        #expect(machine.interest == .nothing)
        // Not streaming: nothing to pause.
        var idle = Machine()
        idle.pauseBody()
        #expect(idle.interest == .input)
    }

    @Test func anEarlyResponseDrainsTheRestThenIsIdleOrCloses() {
        var kept = streaming()
        kept.pauseBody()
        #expect(kept.responseFinished(sent: true, keepOpen: true) == .none)
        #expect(kept.state == .draining && kept.interest == .input)
        #expect(kept.bodyDrained() == .none)
        #expect(kept.state == .idle)

        var single = streaming(keep: false)
        #expect(single.responseFinished(sent: true, keepOpen: true) == .none)
        #expect(single.state == .draining)
        #expect(single.bodyDrained() == .close)

        var stopping = streaming()
        #expect(stopping.responseFinished(sent: true, keepOpen: false) == .none)
        #expect(stopping.bodyDrained() == .close)

        var hungUp = streaming()
        #expect(hungUp.responseFinished(sent: true, keepOpen: true) == .none)
        #expect(hungUp.endOfInput() == .close)
    }

    @Test func a413MidBodyClosesAtOnce() {
        var machine = streaming()
        #expect(machine.responseFinished(sent: true, keepOpen: true, closeIfBodyArriving: true) == .close)
        // Once the body is whole, a 413 needs no close.
        var whole = streaming()
        _ = whole.requestArrived()
        #expect(whole.responseFinished(sent: true, keepOpen: true, closeIfBodyArriving: true) == .none)
        #expect(whole.state == .idle)
    }

    @Test func anAbortEndsTheBodySoNothingIsDrained() {
        var machine = streaming()
        #expect(machine.abortRequested() == .cancelHandler(hangUp: false))
        #expect(!machine.bodyArriving)
        #expect(machine.responseFinished(sent: true, keepOpen: true) == .none)
        #expect(machine.state == .idle)
    }

    @Test func aShutdownWhileDrainingClosesOnceTheBodyEnded() {
        var machine = streaming()
        _ = machine.responseFinished(sent: true, keepOpen: true)
        #expect(machine.shutdown(pendingInput: false) == .none)
        #expect(machine.bodyDrained() == .close)
    }
}
