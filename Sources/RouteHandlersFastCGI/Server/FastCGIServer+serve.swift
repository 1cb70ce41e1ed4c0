import HTTPTypes
import Logging
import RouteHandlers

/// Reading a request, running its handler, writing its response.
extension FastCGIServer {
    /// Starts the handler of a request that has arrived whole, as a task on the pool (called with the
    /// connection's lock held; the task touches the connection again only once its response is written).
    func startHandler(for pending: PendingRequest, on connection: FastCGIConnection) -> Task<Void, Never> {
        Task(executorPreference: pool) { [self] in
            let gateway = GatewayRequest(params: FastCGIConnection.decodeParameters(pending.params))
            let outcome: Result<Request, HTTPError>
            if pending.bodyTooLarge {
                outcome = .failure(HTTPError.bodyTooLarge(limit: configuration.maxBodySize))
            } else {
                outcome = gateway.request.map { request in
                    var request = request
                    request.body = RequestBody(bytes: pending.body)
                    return request
                }
            }
            let requestID = gateway.requestID
            let method = gateway.method
            connection.beginResponse(requestID: pending.requestID)
            let response: Response
            switch outcome {
            case .success(let request):
                response = await responder.respond(to: request, requestID: requestID, logger: logger)
            case .failure(let error):
                response = error.response
            }
            await write(response, for: method, on: connection, requestID: requestID)
        }
    }

    /// In the request's task: writes the response through the one response writer, then keeps or closes the
    /// connection.
    private func write(_ response: Response, for method: HTTPRequest.Method, on connection: FastCGIConnection, requestID: String) async {
        let sink = FastCGIResponseSink(connection: connection, pool: pool)
        // The head may be out: the only honest signal left for a response cut off is closing without END_REQUEST.
        let cutOff = await ResponseWriter.write(response, method: method, requestID: requestID, logger: logger, to: sink) == .incomplete
        await pool.run { [self] in complete(connection, cutOff: cutOff) }
    }

    /// On a pool thread: end the request (`FCGI_END_REQUEST`), then wait for the next one, serve the one
    /// already buffered, or close. A response cut off (`cutOff`) gets no `END_REQUEST`: the web server sees
    /// the connection close and knows the response is incomplete.
    private func complete(_ connection: FastCGIConnection, cutOff: Bool = false) {
        connection.lock.withLock { connection.machine.responseCompleting() }
        let sent = !cutOff && connection.endRequest()
        let (action, closed, queued) = connection.lock.withLock {
            let action = connection.machine.responseFinished(sent: sent, keepOpen: !stopping.load(ordering: .relaxed))
            connection.parser.requestFinished()
            connection.task = nil
            return (action, settleDescriptor(connection), !connection.controlQueue.isEmpty)
        }
        if closed {
            forget(connection)
            return
        }
        if queued { connection.sendQueuedControl() }
        if action == .serveBuffered { drive(connection) }
    }
}

/// A request's stdout: the head and body go out on pool threads (inline when already on one), each streamed
/// chunk flushed so that nginx passes it on at once.
struct FastCGIResponseSink: ResponseSink {
    let connection: FastCGIConnection
    let pool: WorkerPool

    func writeHead(_ head: ResponseHead, body: [UInt8]?) async -> Bool {
        let connection = connection
        return await pool.run {
            guard connection.write(head.cgiBytes) else { return false }
            guard let body else { return connection.flush() }
            return body.isEmpty || connection.write(body)
        }
    }

    func writeChunk(_ bytes: [UInt8]) async -> Bool {
        let connection = connection
        return await pool.run { connection.write(bytes) && connection.flush() }
    }
}
