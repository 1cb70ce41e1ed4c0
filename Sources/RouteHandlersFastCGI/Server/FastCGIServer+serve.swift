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
        let gateway = GatewayRequest(params: connection.parameters())
        let outcome: Result<Request, HTTPError>
        switch connection.readBody(limit: configuration.maxBodySize, expectedLength: gateway.declaredLength) {
        case .failed:
            _ = connection.finish(keepOpen: false)
            remove(connection)
            return
        case .tooLarge:
            outcome = .failure(HTTPError.bodyTooLarge(limit: configuration.maxBodySize))
        case .complete(let body):
            outcome = gateway.request.map { request in
                var request = request
                request.body = RequestBody(bytes: body)
                return request
            }
        }
        let requestID = gateway.requestID
        let method = gateway.method

        // Busy and watched for hang-up before the task exists: a fast handler may finish and re-arm the
        // connection for its next request before this thread runs again, and that must not be overwritten.
        connection.state.withLock { $0 = .busy(nil) }
        armForHangUp(connection)
        let observation = observer?.begin(gateway)
        let task = Task(executorPreference: pool) { [self] in
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
                Task(executorPreference: pool) { [self] in
                    await afterWork.run()
                    pendingAfterWork.subtract(1, ordering: .releasing)
                }
            }
        }
        let cancelNow = connection.state.withLock { state -> Bool in
            guard case .busy(nil) = state else { return false }  // already answered
            state = .busy(task)
            return connection.aborted.load(ordering: .relaxed)
        }
        if cancelNow { task.cancel() }
    }

    /// In the request's task: writes the response through the one response writer, then keeps or closes the
    /// connection.
    private func write(_ response: Response, for method: HTTPRequest.Method, on connection: FastCGIConnection, requestID: String) async {
        let sink = FastCGIResponseSink(connection: connection, pool: pool)
        if await ResponseWriter.write(response, method: method, requestID: requestID, logger: logger, to: sink) == .incomplete {
            connection.aborted.store(true, ordering: .relaxed)
        }
        await pool.run { [self] in complete(connection) }
    }

    /// On a pool thread: end the request and either wait for the next one or close.
    private func complete(_ connection: FastCGIConnection) {
        let keep = !stopping.load(ordering: .relaxed)
        switch connection.finish(keepOpen: keep) {
        case .keepOpen:
            // A shutdown that began meanwhile saw this connection busy and left it to finish here: close it (or
            // serve the request already waiting on it) rather than leave it idle for the drain to wait on.
            let shuttingDown = connection.state.withLock { state in
                if stopping.load(ordering: .acquiring) {
                    state = connection.hasPendingInput ? .reading : .closed
                    return true
                }
                state = .idle
                return false
            }
            if !shuttingDown {
                armForRequest(connection)
            } else if case .reading = connection.state.withLock({ $0 }) {
                pool.submit { [self] in serve(connection) }
            } else {
                connection.closeDescriptor()
                remove(connection)
            }
        case .closed:
            remove(connection)
        }
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
