import RouteHandlers

/// Streamed request bodies: a request whose body is still arriving when its params end gets its handler at once,
/// and its `FCGI_STDIN` records feed the body's stream as they are read. When the handler does not keep up, the
/// stream passes its high-water mark and the connection stops reading (epoll watches only for hang-up) until the
/// handler drained half of it, so an upload of any size holds a few hundred KiB.
extension FastCGIConnection {
    /// The stream for the request being read, holding what already arrived. Lock held.
    func makeBodyStream() -> RequestBodyStream {
        let stream = RequestBodyStream { [weak self] in self?.resumeBody() }
        if !body.isEmpty { stream.append(body) }
        body = []
        bodyStream = stream
        return stream
    }

    /// The handler drained its body stream: read the connection again.
    private func resumeBody() {
        let closed = lock.withLock {
            guard machine.resumeBody() else { return false }
            return settleDescriptor()
        }
        if closed { forget() }
    }

    /// The request is cancelled (the web server hung up or aborted it, the stream broke) while its body was
    /// arriving: its reader gets an error instead of waiting for bytes that will not come. Lock held.
    func failBody() {
        guard let stream = bodyStream else { return }
        bodyStream = nil
        stream.fail(HTTPError(.badRequest, "The request body was cut short: the web server ended the request."))
    }

    /// The response is done while the body may still be arriving: drop the rest. Returns whether to close the
    /// connection rather than reading on (a 413 for a body the handler was streaming). Lock held.
    func endBody(status: Int) -> Bool {
        guard let stream = bodyStream else { return false }
        bodyStream = nil
        stream.discard()
        return status == 413 && stream.consumerStarted
    }
}
