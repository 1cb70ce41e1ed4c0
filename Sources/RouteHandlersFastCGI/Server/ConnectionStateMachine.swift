/// The states of one FastCGI connection and what each event does to it, with no I/O: the server applies the
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
/// A connection in `idle` or `reading` costs no thread: it waits in epoll and is read when bytes arrive.
struct ConnectionStateMachine: Equatable, Sendable {
    enum State: Equatable, Sendable {
        /// Waiting for the next request.
        case idle
        /// Part of a request has arrived.
        case reading
        /// A handler runs or its response is being written.
        case busy
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

    var interest: Interest {
        switch state {
        case .closed: .nothing
        case .busy where hungUp: .nothing
        case .busy where inputPaused: .hangUpOnly
        default: .input
        }
    }

    mutating func requestBegan(keepConnection keep: Bool) {
        guard state == .idle else { return }
        state = .reading
        keepConnection = keep
    }

    mutating func requestArrived() -> Action {
        guard state == .reading else { return .none }
        state = .busy
        responseComplete = false
        inputPaused = false
        abortedByWebServer = false
        return .startHandler
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
        case .idle, .reading: return close()
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
        case .idle, .reading: return close()
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
        return .cancelHandler(hangUp: false)
    }

    /// The response's final records are about to be sent.
    mutating func responseCompleting() {
        if state == .busy { responseComplete = true }
    }

    /// The response is sent (`sent` false when the web server went away or the response had to be cut off).
    /// `keepOpen` false: the server is shutting down; a request already arrived (`pendingInput`, or one waiting
    /// behind this one) is served first, then the connection closes.
    mutating func responseFinished(sent: Bool, keepOpen: Bool, pendingInput: Bool = false) -> Action {
        guard state == .busy else { return .none }
        abortedByWebServer = false
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

    /// A graceful shutdown began: idle connections close unless a request has already arrived on them
    /// (`pendingInput`), which is served first; busy and reading ones close when their request is done.
    mutating func shutdown(pendingInput: Bool) -> Action {
        switch state {
        case .idle:
            guard pendingInput else { return close() }
            closeWhenDone = true
            return .serveBuffered
        case .reading, .busy:
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
