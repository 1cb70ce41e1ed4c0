import CLinux
import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// Reading the connection's records and acting on them: the record layer between the socket and the handler.
extension FastCGIConnection {
    /// What a connection holds unparsed at most: two whole records. A busy connection stops reading there.
    static var inputLimit: Int { 2 * FastCGIRecordHeader.maximumRecordSize }

    /// What its loop saw (`EPOLLIN`: readable, `EPOLLOUT`: writable, `EPOLLRDHUP`/`EPOLLHUP`/`EPOLLERR`: hung
    /// up), or, with the default, input to act on (a request already buffered). Reads what has arrived, acts on
    /// each complete record (starting a handler once a request is whole, answering management records, refusing
    /// what breaks the protocol), wakes a response waiting for the socket, and arms epoll for what comes next.
    /// Never blocks; runs on the connection's loop, or where a response finished with the next request buffered.
    func handle(events: UInt32 = EPOLLIN.rawValue) {
        let hangUp = events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
        let readable = hangUp || events & EPOLLIN.rawValue != 0
        let writable = events & (EPOLLOUT.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
        var failure: String?
        var peer = ""
        var hangUpLogged = false
        var writer: UnsafeContinuation<Void, Never>?
        let closed = lock.withLock { () -> Bool in
            if writable {
                writer = writableWaiter
                writableWaiter = nil
            }
            guard readable else { return settleDescriptor() }
            var endOfInput = false
            var budget = 4 * 1024 * 1024
            var control: [UInt8] = []
            var read = ReadResult.drained
            while true {
                read = .drained
                if machine.interest == .input {
                    let before = input.count
                    read = readAvailable(limit: Self.inputLimit)
                    budget -= input.count - before
                    // The peer hung up: the socket is read to its end, and no later event would say so again.
                    if hangUp, read == .drained { read = .endOfInput }
                } else if hangUp {
                    read = .endOfInput
                }
                if let reason = parseInput(control: &control) {
                    failure = reason
                    apply(machine.protocolError())
                    machine.pauseInput()
                    input = []
                    break
                }
                if read == .endOfInput {
                    endOfInput = true
                    break
                }
                // Stopped at the buffer's limit, now parsed: the socket may hold more (a large body).
                guard read == .full, budget > 0, machine.interest == .input, input.count < Self.inputLimit else { break }
            }
            if machine.state == .busy, input.count >= Self.inputLimit {
                machine.pauseInput()
            }
            // Edge-triggered: epoll reports only bytes that arrive from now on. Reading stopped short of an empty
            // socket, so arm again (epoll_ctl checks readiness) rather than wait for bytes that may never come.
            if read == .full { armedEvents = 0 }
            // Answers go out even to a connection about to close (an aborted or refused request that did not
            // ask to keep it is answered, then closed).
            if !control.isEmpty, !descriptorClosed, !sendControl(control) {
                failure = failure ?? "it does not read the answers to its management records"
                apply(machine.protocolError())
            }
            if endOfInput {
                let action = machine.endOfInput()
                if case .cancelHandler(let wasInFlight) = action { hangUpLogged = wasInFlight }
                apply(action)
            }
            apply(machine.settle())
            if failure != nil {
                // Named while the descriptor is still open.
                peer = peerDescription()
                // A request in flight on a broken stream is dropped too: its writer's next send fails, and the
                // connection closes once the handler returns.
                if machine.state == .busy { cut() }
            }
            return settleDescriptor()
        }
        writer?.resume()
        if let failure {
            context.observer?.count(.droppedConnections)
            context.logger.warning("Dropped a FastCGI request from \(peer): \(failure)")
        }
        if hangUpLogged {
            context.logger.debug("Web server closed the connection of a request in flight; cancelling its handler")
        }
        if closed { forget() }
    }

    /// Acts on every complete record in the input. Returns why the stream is refused, if it is. Lock held.
    private func parseInput(control: inout [UInt8]) -> String? {
        var offset = 0
        defer {
            // An idle connection keeps no large buffer (hundreds may wait).
            if offset == input.count {
                input.removeAll(keepingCapacity: input.capacity <= 16 * 1024)
            } else if offset > 0 {
                input.removeFirst(offset)
            }
        }
        while machine.state != .closed {
            let (event, consumed) = input.withUnsafeBytes {
                machine.nextRecord(UnsafeRawBufferPointer(rebasing: $0[offset...]))
            }
            let base = offset
            offset += consumed
            switch event {
            case .needMore, .pipelined:
                // Params complete, body still to come: the handler starts now and reads it as it arrives.
                apply(machine.recordsExhausted())
                return nil
            case .invalid(let failure):
                return failure.description
            case .ignored:
                continue
            case .beginRequest:
                params.removeAll(keepingCapacity: true)
                body = []
                bodyStream = nil
            case .params(let range):
                params.append(contentsOf: input[base + range.lowerBound..<base + range.upperBound])
            case .paramsEnd:
                // The params are parsed once, by the request's task (`GatewayRequest`); the body limit is
                // enforced by the body's readers (the route may set its own), whatever `CONTENT_LENGTH` says.
                continue
            case .stdin(let range):
                let bytes = input[base + range.lowerBound..<base + range.upperBound]
                if let stream = bodyStream {
                    if !stream.append(Array(bytes)) { machine.pauseBody() }
                } else if machine.state == .reading {
                    // Read whole within this one pass (at most what one read holds): the buffered fast path.
                    body.append(contentsOf: bytes)
                }
            case .stdinEnd:
                // Answers owed so far (a refused second id) go out before the response can start.
                if !control.isEmpty {
                    guard sendControl(control) else { return "it does not read the answers to its management records" }
                    control = []
                }
                bodyStream?.finish()
                bodyStream = nil
                apply(machine.stdinEnded())
            case .abort:
                let requestID = machine.requestID
                let (action, endRequest) = machine.abortReceived()
                // Aborted before its handler ran: its END_REQUEST now.
                if endRequest { RecordEncoder.appendEndRequest(requestID: requestID, status: .requestComplete, to: &control) }
                apply(action)
            case .getValues(let range):
                context.logger.debug("Answered FCGI_GET_VALUES")
                input.withUnsafeBytes { bytes in
                    let query = UnsafeRawBufferPointer(rebasing: bytes[base + range.lowerBound..<base + range.upperBound])
                    RecordEncoder.appendGetValuesResult(query: query, known: context.managementValues, to: &control)
                }
            case .unknownManagementType(let type):
                RecordEncoder.appendUnknownType(type, to: &control)
            case .multiplexed(let id):
                context.logger.debug("Refused request \(id) on a connection already serving one (FCGI_CANT_MPX_CONN)")
                RecordEncoder.appendEndRequest(requestID: id, status: .cantMultiplexConnection, to: &control)
            case .unknownRole(let id, let role, let keep):
                context.logger.debug("Refused a FastCGI request for role \(role) (only the responder role is served)")
                RecordEncoder.appendEndRequest(requestID: id, status: .unknownRole, to: &control)
                if !keep { apply(machine.requestDropped(keepConnection: false)) }
            }
        }
        return nil
    }

    /// Carries out what the state machine decided. Lock held.
    func apply(_ action: ConnectionStateMachine.Action) {
        switch action {
        case .none, .close, .serveBuffered:
            // Closing happens in `settleDescriptor`; buffered input is served by the caller.
            break
        case .startHandler:
            let requestBody = machine.bodyArriving ? RequestBody(stream: makeBodyStream()) : RequestBody(bytes: body)
            let request = PendingRequest(requestID: machine.requestID, params: params, body: requestBody)
            params = []
            body = []
            task = startHandler(for: request)
        case .cancelHandler:
            failBody()
            task?.cancel()
        }
    }

    enum ReadResult {
        /// The socket has nothing more for now (whether or not something was read).
        case drained
        /// Stopped at the limit: the socket may hold more.
        case full
        /// The peer closed its side (or the connection failed).
        case endOfInput
    }

    /// Reads what the socket holds without blocking, appending to `input`, up to about `limit` buffered bytes.
    /// Lock held.
    func readAvailable(limit: Int) -> ReadResult {
        let chunk = 64 * 1024
        while input.count < limit {
            let count = withUnsafeTemporaryAllocation(byteCount: chunk, alignment: 1) { scratch -> Int in
                let count = recv(fd, scratch.baseAddress, chunk, Int32(MSG_DONTWAIT))
                if count > 0 { input.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count])) }
                return count
            }
            if count > 0 {
                // A short read emptied the socket; epoll reports what comes next.
                if count < chunk { return .drained }
                continue
            }
            if count == 0 { return .endOfInput }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .drained
            default: return .endOfInput
            }
        }
        return .full
    }

    /// Whether bytes of a next request have arrived (read or still in the socket). Lock held.
    var hasPendingInput: Bool {
        if !input.isEmpty { return true }
        var pending: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &pending) == 0 && pending > 0
    }
}

/// A request whose params have arrived (and its body, or the stream that delivers it), handed from the record
/// layer to its handler.
struct PendingRequest: Sendable {
    var requestID: UInt16
    var params: [UInt8]
    var body: RequestBody
}
