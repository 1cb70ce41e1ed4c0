import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// The response's output: stdout records appended by the response writer, sent without blocking; and the
/// answers to management records, which never wait behind a response part-way out.
extension FastCGIConnection {
    // MARK: - Management answers

    /// Sends `bytes` now if no response is part-way out, else leaves them for the response's writer. Never
    /// blocks: a peer that does not read its answers fails the send. Lock held.
    func sendControl(_ bytes: [UInt8]) -> Bool {
        guard writeLock.tryLock() else { return queueControl(bytes) }
        defer { writeLock.unlock() }
        guard output.isEmpty else { return queueControl(bytes) }
        var sent = 0
        return bytes.withUnsafeBytes { sendAll($0, sent: &sent) } == .done
    }

    /// The most management answers kept for a writer: a peer that asks for more without reading is dropped.
    static let controlQueueLimit = 64 * 1024

    private func queueControl(_ bytes: [UInt8]) -> Bool {
        guard controlQueue.count + bytes.count <= Self.controlQueueLimit else { return false }
        controlQueue.append(contentsOf: bytes)
        return true
    }

    // MARK: - The response (from its task; each call takes `writeLock`)

    /// Starts the response to request `id`.
    func beginResponse(requestID id: UInt16) {
        writeLock.withLock {
            responseRequestID = id
            writeFailed = false
            output.removeAll(keepingCapacity: output.capacity <= 16 * 1024)
            outputSent = 0
        }
    }

    /// Appends bytes to the request's stdout; ``drain()`` sends them. Returns how many bytes are waiting.
    @discardableResult
    func append(_ bytes: [UInt8]) -> Int {
        writeLock.withLock {
            bytes.withUnsafeBytes { RecordEncoder.appendStdout($0, requestID: responseRequestID, to: &output) }
            return output.count - outputSent
        }
    }

    /// Appends the end of stdout and `FCGI_END_REQUEST`.
    func appendEnd() {
        writeLock.withLock { RecordEncoder.appendEnd(requestID: responseRequestID, to: &output) }
    }

    enum SendResult: Equatable {
        case done
        /// The peer's socket buffer is full: wait for `EPOLLOUT`.
        case wouldBlock
        case failed
    }

    /// Sends what is waiting (and any queued management answers) without blocking.
    func trySend() -> SendResult {
        writeLock.withLock {
            let queued = lock.withLock { () -> [UInt8] in
                defer { controlQueue = [] }
                return controlQueue
            }
            output.append(contentsOf: queued)
            guard !writeFailed else { return .failed }
            guard outputSent < output.count else { return .done }
            let result = output.withUnsafeBytes { sendAll($0, sent: &outputSent) }
            switch result {
            case .done:
                output.removeAll(keepingCapacity: output.capacity <= 16 * 1024)
                outputSent = 0
            case .wouldBlock: break
            case .failed: writeFailed = true
            }
            return result
        }
    }

    /// Sends what the response has waiting; while the peer's socket is full, the task waits in epoll for
    /// `EPOLLOUT`, holding no thread. Returns `false` when the peer is gone.
    func drain() async -> Bool {
        while true {
            switch trySend() {
            case .done: return true
            case .failed: return false
            case .wouldBlock:
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    lock.withLock {
                        writableWaiter = continuation
                        _ = settleDescriptor()
                    }
                }
            }
        }
    }

    /// Sends from `bytes` until done, the socket is full or the peer is gone; `sent` is how far it got.
    private func sendAll(_ bytes: UnsafeRawBufferPointer, sent: inout Int) -> SendResult {
        guard let base = bytes.baseAddress else { return .done }
        while sent < bytes.count {
            let count = send(fd, base + sent, bytes.count - sent, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if count > 0 {
                sent += count
            } else if count < 0, errno == EINTR {
                continue
            } else if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                return .wouldBlock
            } else {
                return .failed
            }
        }
        return .done
    }
}

/// A request's stdout: records go out without blocking, a streamed chunk at once (so that nginx passes it on);
/// a small fixed response waits to leave in one write with its `END_REQUEST`.
struct FastCGIResponseSink: ResponseSink {
    let connection: FastCGIConnection

    func writeHead(_ head: ResponseHead, body: [UInt8]?) async -> Bool {
        var waiting = connection.append(head.cgiBytes)
        if let body {
            if !body.isEmpty { waiting = connection.append(body) }
            if waiting < 64 * 1024 { return true }
        }
        return await connection.drain()
    }

    func writeChunk(_ bytes: [UInt8]) async -> Bool {
        guard !bytes.isEmpty else { return true }
        connection.append(bytes)
        return await connection.drain()
    }
}
