import CLinux
import Logging
import RouteHandlers
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A FastCGI responder, for nginx (or any FastCGI web server).
///
/// A few event loops (``FastCGIServerConfiguration/ioThreads``, one thread each) share the listening socket;
/// each connection belongs for life to one loop (the one that accepted it, or a less busy one), in that loop's
/// own epoll instance, so a connection nginx keeps
/// alive (`fastcgi_keep_conn on`) costs no thread while it waits, nor one still sending its request. When a
/// connection has data, its loop reads it without blocking and checks its records (`RecordParser`) before
/// storing anything; once a request is whole, its handler runs as a Swift task on that same loop (the task's
/// executor), which writes the response inline: a request never hops threads. Awaiting holds no thread; a
/// handler that blocks holds its loop (see ``FastCGIServerConfiguration/ioThreads``).
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
    /// How to ask the master for a replacement, when supervised.
    let onRetire: (@Sendable (RetireReason) -> Void)?
    /// The address actually listened on (a TCP port 0 resolved to the port the system chose).
    public let boundAddress: ListenAddress

    let logger: Logger
    let listener: ListeningSocket
    /// The I/O threads' event loops; each owns its connections.
    let loops: [EventLoop]
    /// What every connection shares (the responder, limits, observers, the shutdown's state).
    let context: ConnectionContext
    let nextConnectionID = Atomic<UInt64>(1)
    let started = Atomic<Bool>(false)
    var limits: RequestLimits { context.limits }
    var observer: RequestObserver? { context.observer }
    /// The peers allowed to connect, for a TCP listener however it was obtained (bound here, inherited from a
    /// master, spawn-fcgi or systemd); `nil` when any may (no list, or a unix socket).
    let allowList: ClientAllowList?
    /// Connections refused by the allow-list, and their rate-limited log lines.
    let refusals = RefusedPeers()

    static let listenToken = UInt64.max

    /// Opens the listening socket and the event loops; requests are served once ``run()`` is called.
    /// - Throws: ``ServerError`` when the socket cannot be opened (the path is taken, the port in use, ...).
    public convenience init(
        configuration: FastCGIServerConfiguration, responder: some HTTPResponder, logger: Logger = Logger(label: "route-handlers.fastcgi")
    ) throws(ServerError) {
        try self.init(configuration: configuration, responder: responder, logger: logger, worker: SupervisedWorker())
    }

    /// The server of a worker that `worker`'s master supervises.
    init(configuration: FastCGIServerConfiguration, responder: some HTTPResponder, logger: Logger, worker: SupervisedWorker)
        throws(ServerError)
    {
        // A web server that goes away must not kill the process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        self.configuration = configuration
        self.onRetire = worker.onRetire
        self.logger = logger
        let listener = try ListeningSocket.open(
            configuration.address,
            unix: .init(mode: mode_t(configuration.socketMode), owner: configuration.socketOwner, group: configuration.socketGroup),
            backlog: configuration.backlog)
        self.listener = listener
        var loops: [EventLoop] = []
        let observer: RequestObserver?
        do {
            allowList = try Self.allowList(configuration, listener: listener, logger: logger)
            for index in 0..<max(1, configuration.ioThreads) { loops.append(try EventLoop(index: index)) }
            observer = try RequestObserver.make(
                configuration, scoreboard: worker.scoreboard, masterPID: worker.masterPID, listener: listener, logger: logger)
        } catch {
            for loop in loops { loop.close() }
            listener.close()
            throw error
        }
        self.loops = loops
        let bound: ListenAddress
        if case .tcp(let host, 0) = configuration.address, let port = boundPort(of: listener.fd) {
            bound = .tcp(host: host, port: port)
        } else {
            bound = listener.address
        }
        self.boundAddress = bound
        var limit = rlimit()
        let connections = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? String(min(UInt64(limit.rlim_cur), 1 << 20)) : "1024"
        let fd = listener.fd
        let everyLoop = loops
        // The status page's slot, else one of its own: a pool keeps a scoreboard for the balance alone.
        let balance = (observer?.slot ?? worker.scoreboard.flatMap { WorkerSlot.claim(in: $0) }).map { slot in
            PoolBalance(
                slot: slot,
                pause: { for loop in everyLoop { epoll_ctl(loop.epoll, EPOLL_CTL_DEL, fd, nil) } },
                resume: { for loop in everyLoop { Self.listen(fd, on: loop) } })
        }
        context = ConnectionContext(
            responder: responder, logger: logger, limits: RequestLimits(configuration), observer: observer,
            configuration: configuration, onRetire: worker.onRetire,
            managementValues: [("FCGI_MAX_CONNS", connections), ("FCGI_MAX_REQS", connections), ("FCGI_MPXS_CONNS", "0")],
            boundAddress: bound, balance: balance)
        for loop in loops { Self.listen(listener.fd, on: loop) }
    }

    /// Adds the listener to a loop's epoll. A new connection wakes one waiting loop, not all of them.
    private static func listen(_ fd: Int32, on loop: EventLoop) {
        loop.register(fd: fd, token: listenToken, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue, add: true)
    }

    /// Serves until ``shutdown()``, a graceful shutdown of the `ServiceGroup` it runs in, or the cancellation of
    /// its task; returns once requests in flight have finished (or the shutdown timeout passed) and every thread
    /// has stopped. This is its `Service` conformance (swift-service-lifecycle).
    public func run() async {
        precondition(!started.exchange(true, ordering: .relaxed), "FastCGIServer.run() called twice")
        logger.info("FastCGI server listening on \(boundAddress)")
        limits.startWatchdog(
            tick: { [loops] in
                for loop in loops { loop.rescueIfBlocked() }
            }, onStuck: { [self] late in retireStuck(late) })
        let threads = loops.map { loop in
            spawnThread(name: "fcgi-loop-\(loop.index)") { [self] in
                loop.run(onEvent: { token, events in handle(token, events, on: loop) }, logger: logger)
            }
        }
        if let balance = context.balance { _ = spawnThread(name: "fcgi-balance") { balance.watch() } }
        // Both only start the drain: run() returns once the last request has been answered.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    _ = spawnThread(name: "fcgi-drain") { [self] in
                        drainOnShutdown(threads: threads)
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
        guard !context.stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        context.drainSignal.withLock { context.drainSignal.signal() }
    }

    /// Opens the access and slow logs again (SIGUSR1, after logrotate moved them).
    public func reopenLogs() {
        observer?.reopenLogs()
    }

    // MARK: - Events (on a loop's thread)

    private func handle(_ token: UInt64, _ events: UInt32, on loop: EventLoop) {
        if token == Self.listenToken {
            acceptConnection(on: loop)
        } else if let connection = loop.connections.withLock({ $0[token] }) {
            connection.handle(events: events)
        }
    }

    /// Accepts one connection (the listener is level-triggered: the next one is reported at once). The loop
    /// that accepted it owns it for life, unless another loop owns fewer: the
    /// connection goes to that one's epoll instead (a system call, no wake-up of its own). Accepting alone would
    /// not spread them: `EPOLLEXCLUSIVE` wakes the first loop waiting, so connections opened while the server is
    /// quiet, as nginx fills its keep-alive pool, would all land on one loop and stay there under load.
    private func acceptConnection(on acceptor: EventLoop) {
        while !context.stopping.load(ordering: .relaxed) {
            // The peer's address only when the allow-list needs it.
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let flags = Int32(SOCK_CLOEXEC.rawValue)
            let fd =
                allowList == nil
                ? accept4(listener.fd, nil, nil, flags)
                : withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept4(listener.fd, $0, &peerLength, flags) }
                }
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE:
                    logger.error("Cannot accept a connection: too many open files")
                    return
                default:
                    // EAGAIN: another loop took it.
                    return
                }
            }
            if let allowList, !allowList.allows(peer) {
                // Closed before anything is read: no record of it reaches the parser, and the loop goes on.
                _ = Glibc.close(fd)
                refusals.record(peer, allowList: allowList, logger: logger)
                observer?.count(.refusedConnections)
                continue
            }
            let id = nextConnectionID.add(1, ordering: .relaxed).newValue
            FastCGIConnection(id: id, fd: fd, loop: leastBusy(preferring: acceptor), context: context).open()
            return
        }
    }

    /// `acceptor`, or the loop with the fewest connections when it has fewer.
    private func leastBusy(preferring acceptor: EventLoop) -> EventLoop {
        guard loops.count > 1 else { return acceptor }
        var best = acceptor
        var fewest = acceptor.connections.withLock { $0.count }
        for loop in loops where loop !== acceptor {
            let count = loop.connections.withLock { $0.count }
            if count < fewest {
                best = loop
                fewest = count
            }
        }
        return best
    }
}

extension FastCGIServer {
    /// The configured list, for a listener that is a TCP socket (bound here or inherited: the family is read
    /// from the socket itself, not from how it was named); a unix socket has no peer address to check.
    static func allowList(_ configuration: FastCGIServerConfiguration, listener: ListeningSocket, logger: Logger) throws(ServerError)
        -> ClientAllowList?
    {
        guard let entries = configuration.allowedClients, let list = try ClientAllowList(entries) else { return nil }
        guard listener.isTCP else {
            logger.notice("--allowed-clients applies to TCP sockets; \(listener.address) is a unix socket, whose access is its file mode")
            return nil
        }
        return list
    }
}
