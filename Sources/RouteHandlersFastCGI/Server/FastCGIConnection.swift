import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// One connection from the web server: its state machine, the records read from it and not yet acted on, and
/// the response being written to it.
///
/// It belongs to one event loop for life: that loop reads it and runs its handlers' tasks, so both
/// locks are normally taken by one thread; others take them only to shut it down or to cut it off (the drain,
/// the watchdog) or when a handler's code runs elsewhere (an unstructured task writing a streamed body).
///
/// Two locks, neither held across a blocking call (there are none: the socket is read and written with
/// `MSG_DONTWAIT`): `lock` guards the input side and the state (held by whoever reads and parses);
/// `writeLock` guards the response's output. A writer takes `lock` inside `writeLock`; the
/// event loop only ever *tries* `writeLock` inside `lock`, to answer management records at once; when a
/// response is part-way out, the answer is queued for its writer to send. A writer whose peer does not read
/// waits in epoll (`EPOLLOUT`) as a suspended task, holding no thread.
final class FastCGIConnection: @unchecked Sendable {
    let id: UInt64
    let fd: Int32
    /// The loop that owns it: its epoll instance, and the executor of its handlers' tasks.
    let loop: EventLoop
    let lock = PlainLock()
    let writeLock = PlainLock()

    // Guarded by `lock`.
    var machine = ConnectionStateMachine()
    var parser: RecordParser
    /// Bytes read and not yet parsed (part of a record, or a pipelined request).
    var input: [UInt8] = []
    /// The current request's params stream, validated record by record.
    var params: [UInt8] = []
    /// The current request's body while it is read whole before the handler starts (the common small request).
    var body: [UInt8] = []
    /// The current request's body stream, fed by its stdin records while the handler runs, until stdin ends.
    var bodyStream: RequestBodyStream?
    var task: Task<Void, Never>?
    var descriptorClosed = false
    /// The events the edge-triggered epoll registration waits for (0: to be armed again, which also makes epoll
    /// report input already waiting).
    var armedEvents: UInt32 = 0
    /// Management answers waiting for the writer that holds `writeLock`.
    var controlQueue: [UInt8] = []
    /// The response's task, waiting for the socket to take more (`EPOLLOUT`).
    var writableWaiter: UnsafeContinuation<Void, Never>?

    // Guarded by `writeLock`.
    /// The request id the response is written for.
    var responseRequestID: UInt16 = 1
    private var output: [UInt8] = []
    /// How much of `output` has been sent.
    private var outputSent = 0
    private(set) var writeFailed = false

    init(id: UInt64, fd: Int32, loop: EventLoop, maxParamsSize: Int) {
        self.id = id
        self.fd = fd
        self.loop = loop
        self.parser = RecordParser(maxParamsSize: maxParamsSize)
    }

    // MARK: - Reading (with `lock` held)

    enum ReadResult {
        /// The socket has nothing more for now (whether or not something was read).
        case drained
        /// Stopped at the limit: the socket may hold more.
        case full
        /// The peer closed its side (or the connection failed).
        case endOfInput
    }

    /// Reads what the socket holds without blocking, appending to `input`, up to about `limit` buffered bytes.
    func readAvailable(limit: Int) -> ReadResult {
        let chunk = 64 * 1024
        while input.count < limit {
            let count = withUnsafeTemporaryAllocation(byteCount: chunk, alignment: 1) { scratch -> Int in
                let count = recv(fd, scratch.baseAddress, chunk, Int32(MSG_DONTWAIT))
                if count > 0 { input.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count])) }
                return count
            }
            if count > 0 {
                // A short read emptied the socket; epoll reports what comes next.
                if count < chunk { return .drained }
                continue
            }
            if count == 0 { return .endOfInput }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .drained
            default: return .endOfInput
            }
        }
        return .full
    }

    /// Whether bytes of a next request have arrived (read or still in the socket).
    var hasPendingInput: Bool {
        if !input.isEmpty { return true }
        var pending: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &pending) == 0 && pending > 0
    }

    // MARK: - Management answers

    /// Sends `bytes` now if no response is part-way out, else leaves them for the response's writer. Never
    /// blocks: a peer that does not read its answers fails the send. Call with `lock` held.
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

    /// Takes the answers queued for the writer. Call with `lock` held.
    func takeControlQueue() -> [UInt8] {
        defer { controlQueue = [] }
        return controlQueue
    }

    // MARK: - Writing (from the response's task; each call takes `writeLock`)

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
            let queued = lock.withLock { takeControlQueue() }
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

    /// Sends from `bytes` until done, the socket is full or the peer is gone; `sent` is how far it got.
    private func sendAll(_ bytes: UnsafeRawBufferPointer, sent: inout Int) -> SendResult {
        while sent < bytes.count {
            let count = send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
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

    /// Stops every read and write on the connection now (a shutdown past its timeout, a peer not reading).
    func cut() {
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }
}

/// A pthread mutex with `tryLock`, which `Synchronization.Mutex` lacks.
final class PlainLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
