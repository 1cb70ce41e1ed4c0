/// The states of one FastCGI connection and what each event does to it, with no I/O: its connection applies the
/// returned ``Action`` and arms epoll for ``interest``.
///
/// ```
///            BEGIN_REQUEST          whole request             response sent, kept
///   idle ─────────────────▶ reading ───────────────▶ busy ─────────────────────────▶ idle
///    │                        │  ABORT / unknown role  │  hang-up: cancel handler,    (or the next request
///    │ hang-up, shutdown      │  ──▶ idle              │  close when the response     already buffered:
///    ▼                        ▼                        ▼  is done                     serveBuffered)
///  closed ◀────────────────────────────────────────────┘
/// ```
///
/// A request whose body is still arriving when its params end goes `reading → busy` at once
/// (``bodyStreamStarted()``): the handler runs while `FCGI_STDIN` feeds its body stream (``bodyArriving``).
/// The stream's back-pressure pauses reading (``pauseBody()``, ``resumeBody()``: epoll keeps only hang-up);
/// the end of stdin (``requestArrived()``) clears it. A response that completes before the body did goes
/// `busy → draining`: the rest of stdin is read and dropped, then the connection is idle again (or closes, as
/// after any request the web server did not ask to keep), so a peer still sending is never cut off mid-write.
/// Only a 413 for a body that passed its limit while the handler streamed it closes at once.
///
/// The machine owns the connection's ``RecordParser``: every record goes through ``nextRecord(_:)``, and the
/// transitions that end a response move the parser on with them, so the framing and the connection's state cannot
/// drift apart.
///
/// A connection in `idle` or `reading` costs no thread: it waits in epoll and is read when bytes arrive.
struct ConnectionStateMachine: Equatable, Sendable {
    enum State: Equatable, Sendable {
        /// Waiting for the next request.
        case idle
        /// Part of a request has arrived.
        case reading
        /// A handler runs or its response is being written.
        case busy
        /// The response is sent; the rest of the request's body is still arriving and is dropped.
        case draining
        case closed
    }

    /// What the server does next.
    enum Action: Equatable, Sendable {
        case none
        /// Run the handler of the request that has arrived.
        case startHandler
        /// Cancel the running handler; `hangUp` when the web server went away before the response was complete
        /// (worth a log line), not for `FCGI_ABORT_REQUEST` or a response already sent.
        case cancelHandler(hangUp: Bool)
        /// Close the descriptor and forget the connection.
        case close
        /// Act on input already read (a pipelined request, or a request that arrived before a shutdown).
        case serveBuffered
    }

    /// What to wait for in epoll.
    enum Interest: Equatable, Sendable {
        /// Bytes (a request, or while busy: an abort, management records, the next request) and hang-up.
        case input
        /// Only hang-up: the next request is already buffered, or the buffer is full.
        case hangUpOnly
        case nothing
    }

    private(set) var state = State.idle
    /// The framing of the records: where the current request's streams are.
    private(set) var parser: RecordParser
    /// Whether the web server asked to keep the connection (`FCGI_KEEP_CONN`, nginx's `fastcgi_keep_conn on`).
    private(set) var keepConnection = false
    /// Close once the current request is done (shutdown, a broken stream).
    private(set) var closeWhenDone = false
    /// The stream broke while a request was busy: nothing after it is served.
    private(set) var broken = false
    /// The web server closed its side while a request was busy.
    private(set) var hungUp = false
    /// The response's last record is being sent: a hang-up now is the web server being done with it.
    private(set) var responseComplete = false
    /// Busy, with more input waiting that is not read until the response is done.
    private(set) var inputPaused = false
    /// The web server aborted the request in flight (`FCGI_ABORT_REQUEST`): a response cut short still ends
    /// with `END_REQUEST`, and the connection stays.
    private(set) var abortedByWebServer = false
    /// Busy while the request's body is still arriving (streamed to the handler).
    private(set) var bodyArriving = false
    /// The body stream holds as much as it may: stop reading until the handler consumed some.
    private(set) var bodyPaused = false

    init(maxParamsSize: Int = 1024 * 1024) {
        parser = RecordParser(maxParamsSize: maxParamsSize)
    }

    /// The id of the request being read or served.
    var requestID: UInt16 { parser.requestID }

    /// The next record from the start of `bytes` (see ``RecordParser/next(_:)``), with the transitions it implies
    /// made: a request begins, or the next one waits buffered behind the one in flight.
    mutating func nextRecord(_ bytes: UnsafeRawBufferPointer) -> (event: RecordParser.Event, consumed: Int) {
        let next = parser.next(bytes)
        switch next.event {
        case .beginRequest(_, let keep): requestBegan(keepConnection: keep)
        case .pipelined: pauseInput()
        default: break
        }
        return next
    }

    /// Every complete record in the buffer was read: a request whose params ended while its body is still to come
    /// starts its handler now, with a streamed body.
    mutating func recordsExhausted() -> Action {
        parser.phase == .stdin && state == .reading ? bodyStreamStarted() : .none
    }

    /// The request's stdin ended: start its handler, end its streamed body, or, answered already, free the
    /// connection.
    mutating func stdinEnded() -> Action {
        guard state == .draining else { return requestArrived() }
        parser.requestFinished()
        return bodyDrained()
    }

    /// `FCGI_ABORT_REQUEST`: cancel a busy handler; a drained request is done; a request not yet running is dropped,
    /// and `endRequest` is true: its `END_REQUEST` is owed now.
    mutating func abortReceived() -> (action: Action, endRequest: Bool) {
        switch state {
        case .busy: return (abortRequested(), false)
        case .draining: return (bodyDrained(), false)
        default: return (requestDropped(keepConnection: parser.keepConnection), true)
        }
    }

    var interest: Interest {
        switch state {
        case .closed: .nothing
        case .busy where hungUp: .nothing
        case .busy where inputPaused || bodyPaused: .hangUpOnly
        default: .input
        }
    }

    mutating func requestBegan(keepConnection keep: Bool) {
        guard state == .idle else { return }
        state = .reading
        keepConnection = keep
    }

    /// The request's stdin ended: start its handler, or (its body streamed) end the body.
    mutating func requestArrived() -> Action {
        if state == .busy, bodyArriving {
            bodyArriving = false
            bodyPaused = false
            return .none
        }
        guard state == .reading else { return .none }
        startBusy()
        return .startHandler
    }

    /// The params ended and the body is still arriving: start the handler now, with a streamed body.
    mutating func bodyStreamStarted() -> Action {
        guard state == .reading else { return .none }
        startBusy()
        bodyArriving = true
        return .startHandler
    }

    /// The body stream is over its high-water mark: stop reading (hang-up is still watched).
    mutating func pauseBody() {
        if state == .busy, bodyArriving { bodyPaused = true }
    }

    /// The handler drained the body stream: read again. Returns whether reading was paused.
    mutating func resumeBody() -> Bool {
        guard bodyPaused else { return false }
        bodyPaused = false
        return true
    }

    private mutating func startBusy() {
        state = .busy
        responseComplete = false
        inputPaused = false
        abortedByWebServer = false
        bodyArriving = false
        bodyPaused = false
    }

    /// The request being read was aborted or refused (unknown role) before a handler ran; its `END_REQUEST`
    /// has been queued.
    mutating func requestDropped(keepConnection keep: Bool) -> Action {
        guard state == .idle || state == .reading else { return .none }
        guard keep, !closeWhenDone else { return close() }
        state = .idle
        return .none
    }

    /// Busy, and the next request's first record is buffered (or the buffer is full): stop reading.
    mutating func pauseInput() {
        if state == .busy { inputPaused = true }
    }

    /// The web server closed its side (read returned 0, or `EPOLLRDHUP`/`EPOLLHUP`/`EPOLLERR`).
    mutating func endOfInput() -> Action {
        switch state {
        case .idle, .reading, .draining: return close()
        case .busy:
            guard !hungUp else { return .none }
            hungUp = true
            return .cancelHandler(hangUp: !responseComplete)
        case .closed: return .none
        }
    }

    /// The stream broke (the parser refused a record): drop the request, and the connection once it is done.
    mutating func protocolError() -> Action {
        switch state {
        case .idle, .reading, .draining: return close()
        case .busy:
            broken = true
            closeWhenDone = true
            return .cancelHandler(hangUp: false)
        case .closed: return .none
        }
    }

    /// `FCGI_ABORT_REQUEST` for the request in flight: cancel its handler, keep the connection.
    mutating func abortRequested() -> Action {
        guard state == .busy else { return .none }
        abortedByWebServer = true
        // No more stdin comes for an aborted request: nothing to drain after its response.
        bodyArriving = false
        bodyPaused = false
        return .cancelHandler(hangUp: false)
    }

    /// The response's final records are about to be sent: a hang-up now is the web server being done with it, and
    /// the next request may arrive as soon as it reads `END_REQUEST`.
    mutating func responseCompleting() {
        if state == .busy { responseComplete = true }
        parser.responseEnding()
    }

    /// The response is sent (`sent` false when the web server went away or the response had to be cut off).
    /// `keepOpen` false: the server is shutting down; a request already arrived (`pendingInput`, or one waiting
    /// behind this one) is served first, then the connection closes. `closeIfBodyArriving`: the response was a
    /// 413 for a body that passed its limit while streaming; rather than read the rest of it, close.
    mutating func responseFinished(sent: Bool, keepOpen: Bool, pendingInput: Bool = false, closeIfBodyArriving: Bool = false) -> Action {
        let action = finishResponse(sent: sent, keepOpen: keepOpen, pendingInput: pendingInput, closeIfBodyArriving: closeIfBodyArriving)
        // Draining: the parser stays on this request's stdin until it ends, so it is told apart from the next.
        if state != .draining { parser.requestFinished() }
        return action
    }

    private mutating func finishResponse(sent: Bool, keepOpen: Bool, pendingInput: Bool, closeIfBodyArriving: Bool) -> Action {
        guard state == .busy else { return .none }
        abortedByWebServer = false
        let bodyWasArriving = bodyArriving
        bodyArriving = false
        bodyPaused = false
        if bodyWasArriving {
            guard !closeIfBodyArriving, sent, !hungUp, !broken else { return close() }
            state = .draining
            responseComplete = false
            if !keepOpen { closeWhenDone = true }
            return .none
        }
        guard sent, keepConnection, !hungUp, !broken else { return close() }
        if !keepOpen || closeWhenDone {
            guard inputPaused || pendingInput else { return close() }
            closeWhenDone = true
        }
        state = .idle
        responseComplete = false
        if inputPaused {
            inputPaused = false
            return .serveBuffered
        }
        return closeWhenDone ? .serveBuffered : .none
    }

    /// The rest of the body of a request already answered has arrived (or the web server aborted it).
    mutating func bodyDrained() -> Action {
        guard state == .draining else { return .none }
        guard keepConnection, !closeWhenDone else { return close() }
        state = .idle
        return .none
    }

    /// A graceful shutdown began: idle connections close unless a request has already arrived on them
    /// (`pendingInput`), which is served first; busy and reading ones close when their request is done.
    mutating func shutdown(pendingInput: Bool) -> Action {
        switch state {
        case .idle:
            guard pendingInput else { return close() }
            closeWhenDone = true
            return .serveBuffered
        case .reading, .busy, .draining:
            closeWhenDone = true
            return .none
        case .closed:
            return .none
        }
    }

    /// After input was acted on: an idle connection marked to close (shutdown) closes now.
    mutating func settle() -> Action {
        state == .idle && closeWhenDone ? close() : .none
    }

    private mutating func close() -> Action {
        state = .closed
        return .close
    }
}
