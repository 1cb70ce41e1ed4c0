import HTTPTypes
import Logging
import RouteHandlers

/// Running a request's handler and finishing the request.
extension FastCGIConnection {
    /// Starts the handler of a request whose params have arrived (its body whole, or streamed), as a task on the
    /// connection's loop. Lock held; the task touches the connection again only once its response is written.
    func startHandler(for pending: PendingRequest) -> Task<Void, Never> {
        Task(executorPreference: loop) { [self, context] in
            let gateway = GatewayRequest(paramStream: pending.params)
            // The global limit is the request's; a route's own replaces it. Readers enforce it as bytes arrive.
            let outcome = gateway.request.map { request in
                var request = request
                request.body = pending.body
                request.bodyLimit = context.maxBodySize
                return request
            }
            let requestID = gateway.requestID
            let method = gateway.method
            let conditions = (try? outcome.get())?.conditions ?? .none
            let observer = context.observer
            let observation = observer?.begin(gateway)
            beginResponse(requestID: pending.requestID)
            let response: Response
            switch outcome {
            case .success(let request):
                if let observer, let observation {
                    if let page = observer.answer(request, observation) {
                        response = page
                    } else {
                        response = await observer.run(request, observation) {
                            await self.respond(to: request, requestID: requestID)
                        }
                    }
                } else {
                    response = await respond(to: request, requestID: requestID)
                }
            case .failure(let error):
                response = error.response
            }
            // after() work: counted before the request completes, so that a shutdown cannot miss it.
            let afterWork = response.afterWork.flatMap { $0.isEmpty ? nil : $0 }
            if afterWork != nil { context.pendingAfterWork.add(1, ordering: .relaxed) }
            await write(response, for: method, conditions: conditions, requestID: requestID)
            if let observation { observer?.end(observation, response: response) }
            if let afterWork {
                // A task of its own: it runs even when the client went away and cancelled this one.
                Task(executorPreference: loop) {
                    await afterWork.run()
                    context.pendingAfterWork.subtract(1, ordering: .releasing)
                }
            }
        }
    }

    /// The responder's answer to one request, under the server's time limits: the responder enforces the soft one
    /// (resolved with the route's `maxDuration`); a handler it cut off is watched until it returns, for the hard one.
    private func respond(to request: Request, requestID: String) async -> Response {
        let limits = context.limits
        let logger = context.logger
        if limits.countRequest(), let retire = context.onRetire {
            logger.info("Served \(limits.maxRequests ?? 0) requests (--max-requests); asking the master for a replacement")
            retire(.maxRequests)
        }
        var request = request
        request.deadline = limits.deadline
        request.taskExecutor = loop
        let responder = context.responder
        guard limits.tracksHandlers else {
            return await responder.respond(to: request, requestID: requestID, logger: logger)
        }
        let token = limits.begin("\(request.method) \(request.url.pathname) (request id \(requestID))", on: self)
        let response = await responder.respond(to: request, requestID: requestID, logger: logger)
        guard let running = response.runningHandler else {
            limits.end(token)
            return response
        }
        // Answered (504): its connection may carry other requests from now on; the handler is still watched.
        limits.answered(token)
        Task(executorPreference: loop) {
            await running.value
            limits.end(token)
        }
        return response
    }

    /// Writes the response through the one response writer, then keeps or closes the connection.
    private func write(_ response: Response, for method: HTTPRequest.Method, conditions: RequestConditions, requestID: String) async {
        // The head may be out: the only honest signal left for a response cut off is closing without END_REQUEST.
        let cutOff =
            await ResponseWriter.write(
                response, method: method, conditions: conditions, requestID: requestID, logger: context.logger,
                to: FastCGIResponseSink(connection: self))
            == .incomplete
        let closedMidBody = await complete(cutOff: cutOff, status: response.status.code)
        if closedMidBody {
            context.logger.warning(
                "Answered 413 to request \(requestID) while its body was still arriving; closed the connection rather than read the rest")
        }
    }

    /// Ends the request (`FCGI_END_REQUEST`), then waits for the next one, serves the one already buffered, or
    /// closes. A response cut off (`cutOff`) gets no `END_REQUEST` (unless the web server aborted it): the web
    /// server sees the connection close and knows the response is incomplete. A body still arriving is dropped;
    /// returns whether the connection closed for a 413 (`status`) instead of reading the rest of it.
    private func complete(cutOff: Bool, status: Int) async -> Bool {
        let aborted = lock.withLock {
            machine.responseCompleting()
            return machine.abortedByWebServer
        }
        var sent = false
        // A response cut short because the web server aborted the request is what it asked for: end it properly.
        if !cutOff || aborted {
            appendEnd()
            sent = await drain()
        }
        while true {
            let outcome = lock.withLock { () -> (action: ConnectionStateMachine.Action, closed: Bool, midBody: Bool)? in
                // Management answers queued meanwhile go out before the connection is handed back.
                if sent, !controlQueue.isEmpty { return nil }
                let closeMidBody = endBody(status: status)
                // A shutdown may have begun meanwhile: a request already waiting on the connection is served, then
                // it closes, rather than being left idle for the drain to wait on.
                let keepOpen = !context.stopping.load(ordering: .acquiring)
                // Pending input only matters to a connection about to close (its `ioctl` is not free).
                let closing = !keepOpen || machine.closeWhenDone
                let action = machine.responseFinished(
                    sent: sent, keepOpen: keepOpen, pendingInput: closing && hasPendingInput, closeIfBodyArriving: closeMidBody)
                task = nil
                return (action, settleDescriptor(), closeMidBody && action == .close)
            }
            guard let outcome else {
                sent = await drain()
                continue
            }
            if outcome.closed { forget() }
            if outcome.action == .serveBuffered { handle() }
            return outcome.midBody
        }
    }
}
