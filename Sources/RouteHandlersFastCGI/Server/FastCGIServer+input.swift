import CLinux
import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reading a connection's records and acting on them: the record layer between the socket and the handlers.
extension FastCGIServer {
    /// What a connection holds unparsed at most: two whole records. A busy connection stops reading there.
    static var inputLimit: Int { 2 * FastCGIRecordHeader.maximumRecordSize }

    /// Reads what has arrived on `connection`, acts on each complete record (starting a handler once a request
    /// is whole, answering management records, refusing what breaks the protocol) and arms epoll for what the
    /// connection waits for next. Never blocks: runs on the connection's event loop when it is readable or hung
    /// up, or when a response is done and the next request is already buffered.
    func drive(_ connection: FastCGIConnection, events: UInt32 = EPOLLIN.rawValue, fromEpoll: Bool = false) {
        let hangUp = events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
        let readable = hangUp || events & EPOLLIN.rawValue != 0
        let writable = events & (EPOLLOUT.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
        var failure: String?
        var peer = ""
        var hangUpLogged = false
        var writer: UnsafeContinuation<Void, Never>?
        let closed = connection.lock.withLock { () -> Bool in
            if writable {
                writer = connection.writableWaiter
                connection.writableWaiter = nil
            }
            guard readable else { return settleDescriptor(connection) }
            var endOfInput = false
            var budget = 4 * 1024 * 1024
            var control: [UInt8] = []
            var read = FastCGIConnection.ReadResult.drained
            while true {
                read = .drained
                if connection.machine.interest == .input {
                    let before = connection.input.count
                    read = connection.readAvailable(limit: Self.inputLimit)
                    budget -= connection.input.count - before
                    // The peer hung up: the socket is read to its end, and no later event would say so again.
                    if hangUp, read == .drained { read = .endOfInput }
                } else if hangUp {
                    read = .endOfInput
                }
                if let reason = parse(connection, control: &control) {
                    failure = reason
                    apply(connection.machine.protocolError(), to: connection)
                    connection.machine.pauseInput()
                    connection.input = []
                    break
                }
                if read == .endOfInput {
                    endOfInput = true
                    break
                }
                // Stopped at the buffer's limit, now parsed: the socket may hold more (a large body).
                guard read == .full, budget > 0, connection.machine.interest == .input,
                    connection.input.count < Self.inputLimit
                else { break }
            }
            if connection.machine.state == .busy, connection.input.count >= Self.inputLimit {
                connection.machine.pauseInput()
            }
            // Edge-triggered: epoll reports only bytes that arrive from now on. Reading stopped short of an empty
            // socket, so arm again (epoll_ctl checks readiness) rather than wait for bytes that may never come.
            if read == .full { connection.armedEvents = 0 }
            // Answers go out even to a connection about to close (an aborted or refused request that did not
            // ask to keep it is answered, then closed).
            if !control.isEmpty, !connection.descriptorClosed, !connection.sendControl(control) {
                failure = failure ?? "it does not read the answers to its management records"
                apply(connection.machine.protocolError(), to: connection)
            }
            if endOfInput {
                let action = connection.machine.endOfInput()
                if case .cancelHandler(let wasInFlight) = action { hangUpLogged = wasInFlight }
                apply(action, to: connection)
            }
            apply(connection.machine.settle(), to: connection)
            if failure != nil {
                // Named while the descriptor is still open.
                peer = peerDescription(connection)
                // A request in flight on a broken stream is dropped too: its writer's next send fails, and the
                // connection closes once the handler returns.
                if connection.machine.state == .busy { connection.cut() }
            }
            return settleDescriptor(connection)
        }
        writer?.resume()
        if let failure {
            logger.warning("Dropped a FastCGI request from \(peer): \(failure)")
        }
        if hangUpLogged {
            logger.debug("Web server closed the connection of a request in flight; cancelling its handler")
        }
        if closed { forget(connection) }
    }

    /// Acts on every complete record in the connection's input. Returns why the stream is refused, if it is.
    private func parse(_ connection: FastCGIConnection, control: inout [UInt8]) -> String? {
        var offset = 0
        defer {
            // An idle connection keeps no large buffer (hundreds may wait).
            if offset == connection.input.count {
                connection.input.removeAll(keepingCapacity: connection.input.capacity <= 16 * 1024)
            } else if offset > 0 {
                connection.input.removeFirst(offset)
            }
        }
        while connection.machine.state != .closed {
            let (event, consumed) = connection.input.withUnsafeBytes {
                connection.parser.next(UnsafeRawBufferPointer(rebasing: $0[offset...]))
            }
            let base = offset
            offset += consumed
            switch event {
            case .needMore, .pipelined:
                if event == .pipelined { connection.machine.pauseInput() }
                // Params complete, body still to come: the handler starts now and reads it as it arrives.
                if connection.parser.phase == .stdin, connection.machine.state == .reading {
                    apply(connection.machine.bodyStreamStarted(), to: connection)
                }
                return nil
            case .invalid(let failure):
                return failure.description
            case .ignored:
                continue
            case .beginRequest(_, let keep):
                connection.machine.requestBegan(keepConnection: keep)
                connection.params.removeAll(keepingCapacity: true)
                connection.body = []
                connection.bodyStream = nil
            case .params(let range):
                connection.params.append(contentsOf: connection.input[base + range.lowerBound..<base + range.upperBound])
            case .paramsEnd:
                // The params are parsed once, by the request's task (`GatewayRequest`); the body limit is
                // enforced by the body's readers (the route may set its own), whatever `CONTENT_LENGTH` says.
                continue
            case .stdin(let range):
                let bytes = connection.input[base + range.lowerBound..<base + range.upperBound]
                if let stream = connection.bodyStream {
                    if !stream.append(Array(bytes)) { connection.machine.pauseBody() }
                } else if connection.machine.state == .reading {
                    // Read whole within this one pass (at most what one read holds): the buffered fast path.
                    connection.body.append(contentsOf: bytes)
                }
            case .stdinEnd:
                // Answers owed so far (a refused second id) go out before the response can start.
                if !control.isEmpty {
                    guard connection.sendControl(control) else { return "it does not read the answers to its management records" }
                    control = []
                }
                connection.bodyStream?.finish()
                connection.bodyStream = nil
                if connection.machine.state == .draining {
                    // The rest of a body whose request was answered early: done, the connection is free.
                    connection.parser.requestFinished()
                    apply(connection.machine.bodyDrained(), to: connection)
                } else {
                    apply(connection.machine.requestArrived(), to: connection)
                }
            case .abort:
                if connection.machine.state == .busy {
                    apply(connection.machine.abortRequested(), to: connection)
                } else if connection.machine.state == .draining {
                    // Already answered: nothing more to send for it.
                    apply(connection.machine.bodyDrained(), to: connection)
                } else {
                    // Aborted before its handler ran: end it at once.
                    RecordEncoder.appendEndRequest(requestID: connection.parser.requestID, status: .requestComplete, to: &control)
                    apply(connection.machine.requestDropped(keepConnection: connection.parser.keepConnection), to: connection)
                }
            case .getValues(let range):
                logger.debug("Answered FCGI_GET_VALUES")
                connection.input.withUnsafeBytes { bytes in
                    let query = UnsafeRawBufferPointer(rebasing: bytes[base + range.lowerBound..<base + range.upperBound])
                    RecordEncoder.appendGetValuesResult(query: query, known: managementValues, to: &control)
                }
            case .unknownManagementType(let type):
                RecordEncoder.appendUnknownType(type, to: &control)
            case .multiplexed(let id):
                logger.debug("Refused request \(id) on a connection already serving one (FCGI_CANT_MPX_CONN)")
                RecordEncoder.appendEndRequest(requestID: id, status: .cantMultiplexConnection, to: &control)
            case .unknownRole(let id, let role, let keep):
                logger.debug("Refused a FastCGI request for role \(role) (only the responder role is served)")
                RecordEncoder.appendEndRequest(requestID: id, status: .unknownRole, to: &control)
                if !keep { apply(connection.machine.requestDropped(keepConnection: false), to: connection) }
            }
        }
        return nil
    }

    /// Carries out what the state machine decided, with the connection's lock held.
    func apply(_ action: ConnectionStateMachine.Action, to connection: FastCGIConnection) {
        switch action {
        case .none, .close, .serveBuffered:
            // Closing happens in `settleDescriptor`; buffered input is served by the caller.
            break
        case .startHandler:
            let body = connection.machine.bodyArriving ? RequestBody(stream: makeBodyStream(for: connection)) : RequestBody(bytes: connection.body)
            let request = PendingRequest(requestID: connection.parser.requestID, params: connection.params, body: body)
            connection.params = []
            connection.body = []
            connection.task = startHandler(for: request, on: connection)
        case .cancelHandler:
            failBody(of: connection)
            connection.task?.cancel()
        }
    }

    /// With the connection's lock held: closes a connection the state machine closed, or arms epoll for what
    /// it waits for. Returns whether it was closed (the caller then forgets it, outside the lock).
    func settleDescriptor(_ connection: FastCGIConnection) -> Bool {
        guard !connection.descriptorClosed else { return false }
        var events: UInt32 = connection.writableWaiter == nil ? 0 : EPOLLOUT.rawValue
        switch connection.machine.interest {
        case .input: events |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        case .hangUpOnly: events |= EPOLLRDHUP.rawValue
        case .nothing: break
        }
        // Edge-triggered and kept armed: a registration with the same events needs no system call (the common
        // case: busy and idle both wait for input, so a request costs no epoll_ctl). Waiting for nothing leaves
        // the registration as it is; the state machine ignores what it reports meanwhile.
        if events != 0, connection.armedEvents != events {
            connection.loop.register(fd: connection.fd, token: connection.id, events: events | EPOLLET.rawValue, add: false)
            connection.armedEvents = events
        }
        guard connection.machine.state == .closed else { return false }
        // No EPOLL_CTL_DEL: closing the only descriptor of the socket (accepted with CLOEXEC, never duplicated)
        // removes it from the epoll set, one system call fewer per connection. Should a child being spawned
        // still hold it for an instant, what epoll reports carries this connection's id, which no longer maps
        // to a connection, and is ignored.
        _ = Glibc.close(connection.fd)
        connection.descriptorClosed = true
        return true
    }

    /// Sends what the response has waiting; while the peer's socket is full, the task waits in epoll for
    /// `EPOLLOUT`, holding no thread. Returns `false` when the peer is gone.
    func drain(_ connection: FastCGIConnection) async -> Bool {
        while true {
            switch connection.trySend() {
            case .done: return true
            case .failed: return false
            case .wouldBlock:
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    connection.lock.withLock {
                        connection.writableWaiter = continuation
                        _ = settleDescriptor(connection)
                    }
                }
            }
        }
    }

    /// The peer for a log line: its address over TCP, its process over a unix socket (`SO_PEERCRED`).
    func peerDescription(_ connection: FastCGIConnection) -> String {
        if let address = peerAddress(connection.fd) { return address }
        var credentials: (pid: Int32, uid: Int32, gid: Int32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        if getsockopt(connection.fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0, credentials.pid > 0 {
            return "pid \(credentials.pid) (uid \(credentials.uid)) on \(boundAddress)"
        }
        return "connection \(connection.id) on \(boundAddress)"
    }
}

/// A request whose params have arrived (and its body, or the stream that delivers it), handed from the record
/// layer to its handler.
struct PendingRequest: Sendable {
    var requestID: UInt16
    var params: [UInt8]
    var body: RequestBody
}
