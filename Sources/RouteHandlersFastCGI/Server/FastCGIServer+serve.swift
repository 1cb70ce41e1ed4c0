import HTTPTypes
import Logging
import RouteHandlers

/// Reading a request, running its handler, writing its response.
extension FastCGIServer {
    /// Starts the handler of a request that has arrived whole, as a task on the pool (called with the
    /// connection's lock held; the task touches the connection again only once its response is written).
    func startHandler(for pending: PendingRequest, on connection: FastCGIConnection) -> Task<Void, Never> {
        Task(executorPreference: pool) { [self] in
            let parameters = FastCGIConnection.decodeParameters(pending.params)
            let requestID = parameters.first { $0.name == "REQUEST_ID" }.map(\.value).flatMap { $0.isEmpty ? nil : $0 } ?? RequestID.next()
            let outcome: Result<Request, HTTPError>
            var method = HTTPRequest.Method.get
            if pending.bodyTooLarge {
                method = parameters.first { $0.name == "REQUEST_METHOD" }.flatMap { HTTPRequest.Method($0.value) } ?? .get
                outcome = .failure(
                    HTTPError(.contentTooLarge, "The request body is larger than the limit of \(configuration.maxBodySize) bytes."))
            } else {
                outcome = Result { () throws(HTTPError) in try Request(cgiParams: parameters, body: RequestBody(bytes: pending.body)) }
                if case .success(let request) = outcome { method = request.method }
            }
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

    /// In the request's task: writes the response on pool threads, then keeps or closes the connection.
    private func write(_ response: Response, for method: HTTPRequest.Method, on connection: FastCGIConnection, requestID: String) async {
        var response = response
        let head: [UInt8]
        do {
            head = try CGIResponseHead.serialize(response, method: method)
        } catch {
            logger.error("Refusing to send a response: \(error)", metadata: ["request-id": .string(requestID)])
            response = HTTPError(.internalServerError, "The response had an invalid header.").problemResponse(extra: ["requestId": requestID])
            head = (try? CGIResponseHead.serialize(response, method: method)) ?? []
        }
        let sendsBody = method != .head && !CGIResponseHead.forbidsBody(response.status)

        switch response.body.storage {
        case .bytes(let bytes):
            await pool.run { [self] in
                if connection.write(head), sendsBody { connection.write(bytes) }
                complete(connection)
            }
        case .stream(let produce):
            var cutOff = false
            let headSent = await pool.run { connection.write(head) && connection.flush() }
            if headSent, sendsBody {
                do {
                    var writer: any ResponseBodyWriter = FastCGIBodyWriter(connection: connection, pool: pool)
                    try await produce(&writer)
                } catch {
                    if !(error is CancellationError) {
                        logger.error("Streaming response failed: \(String(reflecting: error))", metadata: ["request-id": .string(requestID)])
                    }
                    // The head is out: the only honest signal left is an incomplete response, so close.
                    cutOff = true
                }
            }
            await pool.run { [self, cutOff] in complete(connection, cutOff: cutOff) }
        }
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

/// Writes a streamed body's chunks through the pool, flushing each so nginx passes it on at once.
struct FastCGIBodyWriter: ResponseBodyWriter {
    let connection: FastCGIConnection
    let pool: WorkerPool

    mutating func write(_ bytes: [UInt8]) async throws {
        try Task.checkCancellation()
        guard !bytes.isEmpty else { return }
        let connection = connection
        let sent = await pool.run { connection.write(bytes) && connection.flush() }
        guard sent else { throw CancellationError() }
    }
}
