import HTTPTypes
import Logging
import RouteHandlers

/// Reading a request, running its handler, writing its response.
extension FastCGIServer {
    /// On a pool thread: read the request, then start its handler as a task and return the thread to the pool.
    func serve(_ connection: FastCGIConnection) {
        guard connection.acceptRequest() else {
            // The web server closed an idle connection (or broke the protocol); libfcgi closed the descriptor.
            remove(connection)
            return
        }
        let parameters = connection.parameters()
        let requestID = parameters.first { $0.name == "REQUEST_ID" }.map(\.value).flatMap { $0.isEmpty ? nil : $0 } ?? RequestID.next()
        let expectedLength = parameters.first { $0.name == "CONTENT_LENGTH" }.flatMap { Int($0.value) }

        let outcome: Result<Request, HTTPError>
        var method = HTTPRequest.Method.get
        switch connection.readBody(limit: configuration.maxBodySize, expectedLength: expectedLength) {
        case .failed:
            _ = connection.finish(keepOpen: false)
            remove(connection)
            return
        case .tooLarge:
            method = parameters.first { $0.name == "REQUEST_METHOD" }.flatMap { HTTPRequest.Method($0.value) } ?? .get
            outcome = .failure(
                HTTPError(.contentTooLarge, "The request body is larger than the limit of \(configuration.maxBodySize) bytes."))
        case .complete(let body):
            outcome = Result { () throws(HTTPError) in try Request(cgiParams: parameters, body: RequestBody(bytes: body)) }
            if case .success(let request) = outcome { method = request.method }
        }

        // Busy and watched for hang-up before the task exists: a fast handler may finish and re-arm the
        // connection for its next request before this thread runs again, and that must not be overwritten.
        connection.state.withLock { $0 = .busy(nil) }
        armForHangUp(connection)
        let task = Task(executorPreference: pool) { [self] in
            let response: Response
            switch outcome {
            case .success(let request):
                response = await respond(to: request, requestID: requestID)
            case .failure(let error):
                response = error.response
            }
            await write(response, for: method, on: connection, requestID: requestID)
        }
        let cancelNow = connection.state.withLock { state -> Bool in
            guard case .busy(nil) = state else { return false }  // already answered
            state = .busy(task)
            return connection.aborted.load(ordering: .relaxed)
        }
        if cancelNow { task.cancel() }
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
                    connection.aborted.store(true, ordering: .relaxed)
                }
            }
            await pool.run { [self] in complete(connection) }
        }
    }

    /// On a pool thread: end the request and either wait for the next one or close.
    private func complete(_ connection: FastCGIConnection) {
        let keep = !stopping.load(ordering: .relaxed)
        switch connection.finish(keepOpen: keep) {
        case .keepOpen:
            connection.state.withLock { $0 = .idle }
            armForRequest(connection)
        case .closed:
            remove(connection)
        }
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
