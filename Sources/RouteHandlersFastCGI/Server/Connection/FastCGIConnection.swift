import CLinux
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// One connection from the web server, owning its life: its state machine (with its record parser), its buffers, its
/// handler's task and its response's output. The server only accepts it and picks its event loop; from then on
/// the loop tells it what happened (``handle(events:)``) and a shutdown asks it to close (``shutDown()``,
/// ``cancelAndCut()``).
///
/// A request, in one direction:
/// 1. ``handle(events:)`` (`+Input`): reads what arrived and takes its records one by one from the state machine
///    (`ConnectionStateMachine`, which frames them with its `RecordParser`), carrying out its
///    ``ConnectionStateMachine/Action``s;
/// 2. `startHandler` (`+Handler`): once a request is whole (or its body is streamed, `+BodyStream`), its handler
///    runs as a task on the connection's loop, within the time limits;
/// 3. the response goes through the one `ResponseWriter` into the connection's output (`+Output`), drained to
///    the socket without blocking (waiting in epoll for `EPOLLOUT` when the peer is slow);
/// 4. `complete` ends the request (`FCGI_END_REQUEST`) and asks the state machine what next: wait for the next
///    request, serve one already buffered, or close; `settleDescriptor` (`+Descriptor`) arms epoll for it or
///    closes the socket.
///
/// It belongs to one event loop for life: that loop reads it and runs its handlers' tasks, so both locks are
/// normally taken by one thread; others take them only to shut it down or to cut it off (the drain, the
/// watchdog) or when a handler's code runs elsewhere (an unstructured task writing a streamed body).
///
/// Two locks, neither held across a blocking call (there are none: the socket is read and written with
/// `MSG_DONTWAIT`): `lock` guards the input side and the state (held by whoever reads and parses);
/// `writeLock` guards the response's output. A writer takes `lock` inside `writeLock`; the
/// event loop only ever *tries* `writeLock` inside `lock`, to answer management records at once; when a
/// response is part-way out, the answer is queued for its writer to send.
final class FastCGIConnection: @unchecked Sendable {
    let id: UInt64
    let fd: Int32
    /// The loop that owns it: its epoll instance, and the executor of its handlers' tasks.
    let loop: EventLoop
    let context: ConnectionContext
    let lock = PlainLock()
    let writeLock = PlainLock()

    // Guarded by `lock`.
    /// The connection's state and, inside it, the framing of its records.
    var machine: ConnectionStateMachine
    /// Bytes read and not yet parsed (part of a record, or a pipelined request).
    var input: [UInt8] = []
    /// The current request's params stream, validated record by record.
    var params: [UInt8] = []
    /// The current request's body while it is read whole before the handler starts (the common small request).
    var body: [UInt8] = []
    /// The current request's body stream, fed by its stdin records while the handler runs, until stdin ends.
    var bodyStream: RequestBodyStream?
    var task: Task<Void, Never>?
    var descriptorClosed = false
    /// The events the edge-triggered epoll registration waits for (0: to be armed again, which also makes epoll
    /// report input already waiting).
    var armedEvents: UInt32 = 0
    /// Management answers waiting for the writer that holds `writeLock`.
    var controlQueue: [UInt8] = []
    /// The response's task, waiting for the socket to take more (`EPOLLOUT`).
    var writableWaiter: UnsafeContinuation<Void, Never>?

    // Guarded by `writeLock`.
    /// The request id the response is written for.
    var responseRequestID: UInt16 = 1
    var output: [UInt8] = []
    /// How much of `output` has been sent.
    var outputSent = 0
    var writeFailed = false

    init(id: UInt64, fd: Int32, loop: EventLoop, context: ConnectionContext) {
        self.id = id
        self.fd = fd
        self.loop = loop
        self.context = context
        self.machine = ConnectionStateMachine(maxParamsSize: context.maxParamsSize)
    }

    // MARK: - Verbs for the server and its loops

    /// Joins its loop: in the loop's table (events carry its id) and its epoll, waiting for a request.
    func open() {
        loop.connections.withLock { $0[id] = self }
        context.balance?.connectionOpened()
        armedEvents = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        loop.register(fd: fd, token: id, events: armedEvents | EPOLLET.rawValue, add: true)
        // A shutdown that began meanwhile may have missed it.
        if context.stopping.load(ordering: .acquiring) { shutDown() }
    }

    /// Its part of a graceful shutdown (from the drain thread, or from ``open()`` as the shutdown began):
    /// idle, it closes, unless a request has already arrived, which is served first; busy, it closes when its
    /// request is done. Applied under its lock, so twice is harmless.
    func shutDown() {
        let (action, closed) = lock.withLock {
            let action = machine.shutdown(pendingInput: hasPendingInput)
            return (action, settleDescriptor())
        }
        if closed { forget() }
        if action == .serveBuffered { handle() }
    }

    /// Past the shutdown timeout: cancels the handler and stops every read and write, so that they return.
    func cancelAndCut() {
        lock.withLock {
            guard !descriptorClosed else { return }
            task?.cancel()
            cut()
        }
    }

    /// A handler stuck past the hard limit: its client is cut off now (nginx answers 502), and the connection
    /// is forgotten. Shut down, not closed: the stuck handler still holds the descriptor, whose number must
    /// not be reused.
    func abandon() {
        lock.withLock {
            if !descriptorClosed { cut() }
        }
        forget()
    }

    /// Stops every read and write on the socket now.
    func cut() {
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Leaves its loop's table once its descriptor is closed; wakes a shutdown's drain, which counts them.
    func forget() {
        if loop.connections.withLock({ $0.removeValue(forKey: id) }) != nil { context.balance?.connectionClosed() }
        if context.stopping.load(ordering: .relaxed) {
            context.drainSignal.withLock { context.drainSignal.signal() }
        }
    }

    /// The peer for a log line: its address over TCP, its process over a unix socket (`SO_PEERCRED`).
    func peerDescription() -> String {
        if let address = peerAddress(fd) { return address }
        var credentials: (pid: Int32, uid: Int32, gid: Int32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        if getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0, credentials.pid > 0 {
            return "pid \(credentials.pid) (uid \(credentials.uid)) on \(context.boundAddress)"
        }
        return "connection \(id) on \(context.boundAddress)"
    }
}
