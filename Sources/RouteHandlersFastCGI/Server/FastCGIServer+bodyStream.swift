import RouteHandlers

/// Streamed request bodies: a request whose body is still arriving when its params end gets its handler at once,
/// and its `FCGI_STDIN` records feed the body's stream as they are read. When the handler does not keep up, the
/// stream passes its high-water mark and the connection stops reading (epoll watches only for hang-up) until the
/// handler drained half of it, so an upload of any size holds a few hundred KiB.
extension FastCGIServer {
    /// The stream for the request being read on `connection` (its lock held), holding what already arrived.
    func makeBodyStream(for connection: FastCGIConnection) -> RequestBodyStream {
        let stream = RequestBodyStream { [weak connection, self] in
            if let connection { resumeBody(of: connection) }
        }
        if !connection.body.isEmpty { stream.append(connection.body) }
        connection.body = []
        connection.bodyStream = stream
        return stream
    }

    /// The handler drained its body stream: read the connection again.
    private func resumeBody(of connection: FastCGIConnection) {
        let closed = connection.lock.withLock {
            guard connection.machine.resumeBody() else { return false }
            return settleDescriptor(connection)
        }
        if closed { forget(connection) }
    }

    /// The request is cancelled (the web server hung up or aborted it, the stream broke) while its body was
    /// arriving: its reader gets an error instead of waiting for bytes that will not come. Lock held.
    func failBody(of connection: FastCGIConnection) {
        guard let stream = connection.bodyStream else { return }
        connection.bodyStream = nil
        stream.fail(HTTPError(.badRequest, "The request body was cut short: the web server ended the request."))
    }

    /// The response is done while the body may still be arriving: drop the rest. Returns whether to close the
    /// connection rather than reading on (a 413 for a body the handler was streaming). Lock held.
    func endBody(of connection: FastCGIConnection, status: Int) -> Bool {
        guard let stream = connection.bodyStream else { return false }
        connection.bodyStream = nil
        stream.discard()
        return status == 413 && stream.consumerStarted
    }
}
