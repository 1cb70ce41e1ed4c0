import CFastCGI
import Logging
import RouteHandlers
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A FastCGI responder on libfcgi, for nginx (or any FastCGI web server).
///
/// One event-loop thread owns the listening socket and every idle connection in epoll, so a connection nginx
/// keeps alive (`fastcgi_keep_conn on`) costs no thread while it waits. When a connection has data, a pool
/// thread reads the request with libfcgi and runs the handler as a Swift task on the pool (its task
/// executor): awaiting holds no thread, and the response is written by a pool thread, inline when the handler
/// finished there.
///
/// ```swift
/// let server = try FastCGIServer(configuration: .init(address: .unix(path: "/run/app.sock")), responder: responder)
/// await server.run()   // until shutdown() or a signal handled by the caller
/// ```
///
/// It is a swift-service-lifecycle `Service`: in a `ServiceGroup`, a graceful shutdown stops it accepting and
/// drains the requests in flight before its `run()` returns.
public final class FastCGIServer: Service {
    public let configuration: FastCGIServerConfiguration
    /// The address actually listened on (a TCP port 0 resolved to the port the system chose).
    public let boundAddress: ListenAddress

    let responder: any HTTPResponder
    let logger: Logger
    let listener: ListeningSocket
    let pool: WorkerPool
    let epoll: Int32
    let wakeFD: Int32
    let connections = Mutex<[UInt64: FastCGIConnection]>([:])
    let nextConnectionID = Atomic<UInt64>(1)
    let stopping = Atomic<Bool>(false)
    /// Requests whose after() work is still running: a graceful shutdown waits for them too.
    let pendingAfterWork = Atomic<Int>(0)
    let started = Atomic<Bool>(false)
    let limits: RequestLimits
    /// Status and ping pages, access and slow logs, metrics and tracing; `nil` when none is on.
    let observer: RequestObserver?

    static let listenToken = UInt64.max
    static let wakeToken = UInt64.max - 1

    /// Opens the listening socket and starts the I/O threads; requests are served once ``run()`` is called.
    /// - Throws: ``ServerError`` when the socket cannot be opened (the path is taken, the port in use, ...).
    public init(configuration: FastCGIServerConfiguration, responder: some HTTPResponder, logger: Logger = Logger(label: "route-handlers.fastcgi")) throws(ServerError) {
        try LibFCGI.initialize()
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.limits = RequestLimits(configuration)
        let listener = try ListeningSocket.open(
            configuration.address,
            unix: .init(mode: mode_t(configuration.socketMode), owner: configuration.socketOwner, group: configuration.socketGroup),
            backlog: configuration.backlog)
        self.listener = listener
        do {
            observer = try RequestObserver.make(configuration, listener: listener, logger: logger)
        } catch {
            listener.close()
            throw error
        }
        if case .tcp(let host, 0) = configuration.address, let port = boundPort(of: listener.fd) {
            self.boundAddress = .tcp(host: host, port: port)
        } else {
            self.boundAddress = listener.address
        }
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        guard epoll >= 0, wakeFD >= 0 else {
            listener.close()
            throw systemError(.socketFailed, "Cannot create the event loop")
        }
        pool = WorkerPool(threadCount: configuration.ioThreads)
        register(fd: listener.fd, token: Self.listenToken, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue, add: true)
        register(fd: wakeFD, token: Self.wakeToken, events: EPOLLIN.rawValue, add: true)
    }

    /// Serves until ``shutdown()``, a graceful shutdown of the `ServiceGroup` it runs in, or the cancellation of
    /// its task; returns once requests in flight have finished (or the shutdown timeout passed) and every thread
    /// has stopped. This is its `Service` conformance (swift-service-lifecycle).
    public func run() async {
        precondition(!started.exchange(true, ordering: .relaxed), "FastCGIServer.run() called twice")
        logger.info("FastCGI server listening on \(boundAddress)")
        limits.startWatchdog { [self] late in retireStuck(late) }
        // Both only start the drain: run() returns once the last request has been answered.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    _ = spawnThread(name: "fcgi-loop") { [self] in
                        eventLoop()
                        limits.stopWatchdog()
                        // A handler stuck on its thread would never let the pool's threads be joined.
                        if !limits.isStuck.load(ordering: .acquiring) { pool.shutdown() }
                        close(epoll)
                        close(wakeFD)
                        observer?.close()
                        continuation.resume()
                    }
                }
            } onGracefulShutdown: { [self] in
                shutdown()
            }
        } onCancel: { [self] in
            shutdown()
        }
        logger.info("FastCGI server stopped")
    }

    /// Starts a graceful shutdown: stop accepting, close idle connections, let requests in flight finish.
    /// Safe to call from any thread, any number of times.
    public func shutdown() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    /// Opens the access and slow logs again (SIGUSR1, after logrotate moved them).
    public func reopenLogs() {
        observer?.reopenLogs()
    }

    // MARK: - Event loop

    private func eventLoop() {
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        var deadline: ContinuousClock.Instant?
        var forced = false
        while true {
            if stopping.load(ordering: .acquiring) {
                if deadline == nil {
                    deadline = .now + configuration.shutdownTimeout
                    beginShutdown()
                }
                if connections.withLock({ $0.isEmpty }), pendingAfterWork.load(ordering: .acquiring) == 0 { return }
                if let current = deadline, ContinuousClock.now >= current {
                    if forced { return }
                    forced = true
                    deadline = .now + .seconds(3)
                    forceClose()
                }
            }
            let timeout: Int32 = stopping.load(ordering: .relaxed) ? 50 : -1
            let count = epoll_wait(epoll, events, Int32(capacity), timeout)
            guard count >= 0 else {
                if errno == EINTR { continue }
                logger.critical("epoll_wait failed: \(String(cString: strerror(errno)))")
                return
            }
            for index in 0..<Int(count) {
                let event = events[index]
                switch event.data.u64 {
                case Self.listenToken: acceptConnections()
                case Self.wakeToken:
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                default: connectionReady(id: event.data.u64, events: event.events)
                }
            }
        }
    }

    /// Stops listening and closes the connections that wait for a request; busy ones close when done. An idle
    /// connection whose next request has already arrived is served, not cut off.
    private func beginShutdown() {
        epoll_ctl(epoll, EPOLL_CTL_DEL, listener.fd, nil)
        listener.close()
        let idle = connections.withLock { table in
            table.values.filter { connection in
                connection.state.withLock { state in
                    guard case .idle = state else { return false }
                    state = connection.hasPendingInput ? .reading : .closed
                    return true
                }
            }
        }
        for connection in idle {
            if case .reading = connection.state.withLock({ $0 }) {
                pool.submit { [self] in serve(connection) }
                continue
            }
            epoll_ctl(epoll, EPOLL_CTL_DEL, connection.fd, nil)
            connection.closeDescriptor()
            remove(connection)
        }
        logger.info("Shutting down; waiting for \(connections.withLock { $0.count }) request(s) in flight")
    }

    /// After the shutdown timeout: cancel handlers and cut connections so that blocked reads and writes return.
    private func forceClose() {
        let busy = connections.withLock { Array($0.values) }
        logger.warning("Shutdown timeout: cutting off \(busy.count) request(s)")
        for connection in busy {
            connection.aborted.store(true, ordering: .relaxed)
            if case .busy(let task) = connection.state.withLock({ $0 }) { task?.cancel() }
            Glibc.shutdown(connection.fd, Int32(SHUT_RDWR))
        }
    }

    private func acceptConnections() {
        while true {
            let fd = accept4(listener.fd, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EAGAIN, EWOULDBLOCK: return
                case EMFILE, ENFILE:
                    logger.error("Cannot accept a connection: too many open files")
                    return
                default:
                    return
                }
            }
            guard isAllowedClient(fd) else {
                _ = Glibc.close(fd)
                continue
            }
            let id = nextConnectionID.add(1, ordering: .relaxed).newValue
            let connection = FastCGIConnection(id: id, fd: fd)
            connections.withLock { $0[id] = connection }
            armForRequest(connection, add: true)
        }
    }

    private func isAllowedClient(_ fd: Int32) -> Bool {
        guard let allowed = configuration.allowedClients, !allowed.isEmpty, case .tcp = listener.address else { return true }
        guard let peer = peerAddress(fd), allowed.contains(peer) else {
            logger.warning("Refused a FastCGI connection from \(peerAddress(fd) ?? "an unknown address"): not in the allowed clients")
            return false
        }
        return true
    }

    private func connectionReady(id: UInt64, events: UInt32) {
        guard let connection = connections.withLock({ $0[id] }) else { return }
        let hangUp = events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
        let action: (serve: Bool, cancel: Task<Void, Never>?) = connection.state.withLock { state in
            switch state {
            case .idle:
                state = .reading
                return (true, nil)
            case .busy(let task) where hangUp:
                connection.aborted.store(true, ordering: .relaxed)
                return (false, task)
            default:
                return (false, nil)
            }
        }
        if let task = action.cancel {
            logger.debug("Web server closed the connection of a request in flight; cancelling its handler")
            task.cancel()
        }
        if action.serve {
            pool.submit { [self] in serve(connection) }
        }
    }

    // MARK: - Epoll registration

    func register(fd: Int32, token: UInt64, events: UInt32, add: Bool) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        epoll_ctl(epoll, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event)
    }

    /// Waits (in epoll, holding no thread) for the next request on the connection.
    func armForRequest(_ connection: FastCGIConnection, add: Bool = false) {
        register(
            fd: connection.fd, token: connection.id,
            events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLONESHOT.rawValue, add: add)
    }

    /// Watches a busy connection for the web server hanging up, to cancel the handler.
    func armForHangUp(_ connection: FastCGIConnection) {
        register(fd: connection.fd, token: connection.id, events: EPOLLRDHUP.rawValue | EPOLLONESHOT.rawValue, add: false)
    }

    func remove(_ connection: FastCGIConnection) {
        connection.state.withLock { $0 = .closed }
        connections.withLock { _ = $0.removeValue(forKey: connection.id) }
        if stopping.load(ordering: .relaxed) {
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
        }
    }
}

/// Process-wide libfcgi set-up.
enum LibFCGI {
    private static let result: Int32 = {
        // A web server that goes away must not kill the process with SIGPIPE. libfcgi would install its own
        // SIGPIPE, SIGUSR1 and SIGTERM handlers only over default dispositions.
        signal(SIGPIPE, SIG_IGN)
        return FCGX_Init()
    }()

    static func initialize() throws(ServerError) {
        guard result == 0 else {
            throw ServerError(.libraryFailed, "libfcgi failed to initialise (FCGX_Init returned \(result)).")
        }
    }
}

func peerAddress(_ fd: Int32) -> String? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let result = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
    }
    guard result == 0 else { return nil }
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    switch Int32(storage.ss_family) {
    case AF_INET:
        withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                var raw = address.pointee.sin_addr
                _ = inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
            }
        }
    case AF_INET6:
        withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                var raw = address.pointee.sin6_addr
                _ = inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
            }
        }
    default:
        return nil
    }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
