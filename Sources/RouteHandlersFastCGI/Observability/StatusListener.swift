import CLinux
import Logging
import RouteHandlers
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The status page and ping on a socket of their own (`--status-listen`, PHP-FPM's `pm.status_listen`), answered
/// by a thread that runs no handler: a handler that blocks every event loop, or a pool whose workers are all
/// busy, cannot keep an operator from the status exactly when it is needed. It speaks FastCGI (nginx passes to
/// it as to the app), one request per connection, and answers only the status and ping paths (404 otherwise).
/// Under a master, the master serves it from the shared scoreboard; a process serving alone, from its own.
final class StatusListener: Sendable {
    private let listener: ListeningSocket
    private let page: StatusPage?
    private let statusPath: String?
    private let pingPath: String?
    private let allowList: ClientAllowList?
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)
    private let refusals = RefusedPeers()
    /// How long a peer may take to send its request or read the answer.
    static let peerTimeout: Int = 2

    init(
        listener: ListeningSocket, page: StatusPage?, statusPath: String?, pingPath: String?, allowList: ClientAllowList?,
        logger: Logger
    ) {
        self.listener = listener
        self.page = page
        self.statusPath = statusPath
        self.pingPath = pingPath
        self.allowList = listener.isTCP ? allowList : nil
        self.logger = logger
    }

    /// Starts the thread that serves it until ``stop()``.
    func start() {
        logger.info("Status and ping also answer on \(listener.address) (--status-listen)")
        _ = spawnThread(name: "fcgi-status") { [self] in
            while !stopped.load(ordering: .relaxed) {
                var poller = pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 250) > 0 else { continue }
                var peer = sockaddr_storage()
                var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let fd = withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept4(listener.fd, $0, &length, Int32(SOCK_CLOEXEC.rawValue)) }
                }
                guard fd >= 0 else { continue }
                if let allowList, !allowList.allows(peer) {
                    refusals.record(peer, allowList: allowList, logger: logger)
                } else {
                    serve(fd)
                }
                close(fd)
            }
            listener.close()
        }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Reads one request (blocking, within ``peerTimeout``) and answers it.
    private func serve(_ fd: Int32) {
        var timeout = timeval(tv_sec: Self.peerTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var parser = RecordParser(maxParamsSize: 64 * 1024)
        var input: [UInt8] = []
        var params: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            input += buffer[..<count]
            var offset = 0
            while true {
                let (event, consumed) = input.withUnsafeBytes { parser.next(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
                let base = offset
                offset += consumed
                switch event {
                case .needMore, .pipelined: break
                case .params(let range):
                    params += input[base + range.lowerBound..<base + range.upperBound]
                    continue
                case .stdinEnd:
                    answer(GatewayRequest(paramStream: params), requestID: parser.requestID, on: fd)
                    return
                case .invalid(let failure):
                    logger.warning("Dropped a status request: \(failure)")
                    return
                default: continue
                }
                break
            }
            input.removeFirst(offset)
            guard input.count < 256 * 1024 else { return }
        }
    }

    private func answer(_ gateway: GatewayRequest, requestID id: UInt16, on fd: Int32) {
        let response: Response
        switch gateway.request {
        case .success(let request) where request.url.pathname == pingPath:
            response = StatusPage.pong
        case .success(let request) where request.url.pathname == statusPath && page != nil:
            response = page?.respond(to: request) ?? Response(status: .notFound)
        case .success(let request):
            response = HTTPError(.notFound, "This socket answers only the status and ping paths, not \(request.url.pathname).").response
        case .failure(let error):
            response = error.response
        }
        let head = ResponseWriter.head(of: response, method: gateway.method)
        var body = head.cgiBytes
        if head.sendsBody, let bytes = response.body.bytes { body += bytes }
        var output: [UInt8] = []
        body.withUnsafeBytes { RecordEncoder.appendStdout($0, requestID: id, to: &output) }
        RecordEncoder.appendEnd(requestID: id, to: &output)
        output.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return }
            var sent = 0
            while sent < bytes.count {
                let count = send(fd, start + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                guard count > 0 else { return }
                sent += count
            }
        }
    }
}

extension StatusListener {
    /// Opens `configuration.statusListen` (with the main socket's mode and group when it is a path) and starts
    /// serving it; `nil` when it is not set.
    static func start(_ configuration: FastCGIServerConfiguration, page: StatusPage?, logger: Logger) throws(ServerError) -> StatusListener?
    {
        guard let address = configuration.statusListen else { return nil }
        let socket = try ListeningSocket.open(
            address,
            unix: .init(mode: mode_t(configuration.socketMode), owner: configuration.socketOwner, group: configuration.socketGroup),
            backlog: 64)
        let allowList = try configuration.allowedClients.flatMap { entries throws(ServerError) in try ClientAllowList(entries) }
        let listener = StatusListener(
            listener: socket, page: page, statusPath: configuration.statusPath, pingPath: configuration.pingPath, allowList: allowList,
            logger: logger)
        listener.start()
        return listener
    }
}
