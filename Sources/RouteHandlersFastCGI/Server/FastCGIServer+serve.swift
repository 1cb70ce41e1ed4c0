import HTTPTypes
import Logging
import RouteHandlers

/// Reading a request, running its handler, writing its response.
extension FastCGIServer {
    /// Starts the handler of a request whose params have arrived (its body whole, or streamed), as a task on the
    /// connection's loop (called with the connection's lock held; the task touches the connection again only once
    /// its response is written).
    func startHandler(for pending: PendingRequest, on connection: FastCGIConnection) -> Task<Void, Never> {
        Task(executorPreference: connection.loop) { [self] in
            let gateway = GatewayRequest(paramStream: pending.params)
            // The global limit is the request's; a route's own replaces it. Readers enforce it as bytes arrive.
            let outcome = gateway.request.map { request in
                var request = request
                request.body = pending.body
                request.bodyLimit = configuration.maxBodySize
                return request
            }
            let requestID = gateway.requestID
            let method = gateway.method
            let observation = observer?.begin(gateway)
            connection.beginResponse(requestID: pending.requestID)
            let response: Response
            switch outcome {
            case .success(let request):
                if let observer, let observation {
                    if let page = observer.answer(request, observation) {
                        response = page
                    } else {
                        response = await observer.run(request, observation) {
                            await self.respond(to: request, requestID: requestID, on: connection)
                        }
                    }
                } else {
                    response = await respond(to: request, requestID: requestID, on: connection)
                }
            case .failure(let error):
                response = error.response
            }
            // after() work: counted before the request completes, so that a shutdown cannot miss it.
            let afterWork = response.afterWork.flatMap { $0.isEmpty ? nil : $0 }
            if afterWork != nil { pendingAfterWork.add(1, ordering: .relaxed) }
            await write(response, for: method, on: connection, requestID: requestID)
            if let observation { observer?.end(observation, response: response) }
            if let afterWork {
                // A task of its own: it runs even when the client went away and cancelled this one.
                Task(executorPreference: connection.loop) { [self] in
                    await afterWork.run()
                    pendingAfterWork.subtract(1, ordering: .releasing)
                }
            }
        }
    }

    /// In the request's task: writes the response through the one response writer, then keeps or closes the
    /// connection.
    private func write(_ response: Response, for method: HTTPRequest.Method, on connection: FastCGIConnection, requestID: String) async {
        let sink = FastCGIResponseSink(connection: connection, server: self)
        // The head may be out: the only honest signal left for a response cut off is closing without END_REQUEST.
        let cutOff = await ResponseWriter.write(response, method: method, requestID: requestID, logger: logger, to: sink) == .incomplete
        let closedMidBody = await complete(connection, cutOff: cutOff, status: response.status.code)
        if closedMidBody {
            logger.warning("Answered 413 to request \(requestID) while its body was still arriving; closed the connection rather than read the rest")
        }
    }

    /// End the request (`FCGI_END_REQUEST`), then wait for the next one, serve the one already buffered, or
    /// close. A response cut off (`cutOff`) gets no `END_REQUEST` (unless the web server aborted it): the web
    /// server sees the connection close and knows the response is incomplete. A body still arriving is dropped;
    /// returns whether the connection closed for a 413 (`status`) instead of reading the rest of it.
    private func complete(_ connection: FastCGIConnection, cutOff: Bool, status: Int) async -> Bool {
        let aborted = connection.lock.withLock {
            connection.machine.responseCompleting()
            connection.parser.responseEnding()
            return connection.machine.abortedByWebServer
        }
        var sent = false
        // A response cut short because the web server aborted the request is what it asked for: end it properly.
        if !cutOff || aborted {
            connection.appendEnd()
            sent = await drain(connection)
        }
        while true {
            let outcome = connection.lock.withLock { () -> (action: ConnectionStateMachine.Action, closed: Bool, midBody: Bool)? in
                // Management answers queued meanwhile go out before the connection is handed back.
                if sent, !connection.controlQueue.isEmpty { return nil }
                let closeMidBody = endBody(of: connection, status: status)
                // A shutdown may have begun meanwhile: a request already waiting on the connection is served, then
                // it closes, rather than being left idle for the drain to wait on.
                let keepOpen = !stopping.load(ordering: .acquiring)
                // Pending input only matters to a connection about to close (its `ioctl` is not free).
                let closing = !keepOpen || connection.machine.closeWhenDone
                let action = connection.machine.responseFinished(
                    sent: sent, keepOpen: keepOpen, pendingInput: closing && connection.hasPendingInput,
                    closeIfBodyArriving: closeMidBody)
                // Draining: the parser stays on this request's stdin until it ends, so it is told apart from the next.
                if connection.machine.state != .draining { connection.parser.requestFinished() }
                connection.task = nil
                return (action, settleDescriptor(connection), closeMidBody && action == .close)
            }
            guard let outcome else {
                sent = await drain(connection)
                continue
            }
            if outcome.closed { forget(connection) }
            if outcome.action == .serveBuffered { drive(connection) }
            return outcome.midBody
        }
    }
}

/// A request's stdout: records go out without blocking, a streamed chunk at once (so that nginx passes it on);
/// a small fixed response waits to leave in one write with its `END_REQUEST`.
struct FastCGIResponseSink: ResponseSink {
    let connection: FastCGIConnection
    let server: FastCGIServer

    func writeHead(_ head: ResponseHead, body: [UInt8]?) async -> Bool {
        var waiting = connection.append(head.cgiBytes)
        if let body {
            if !body.isEmpty { waiting = connection.append(body) }
            if waiting < 64 * 1024 { return true }
        }
        return await server.drain(connection)
    }

    func writeChunk(_ bytes: [UInt8]) async -> Bool {
        guard !bytes.isEmpty else { return true }
        connection.append(bytes)
        return await server.drain(connection)
    }
}
