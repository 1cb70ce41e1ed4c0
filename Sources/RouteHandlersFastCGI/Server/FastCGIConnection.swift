import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// One connection from the web server: its state machine, the records read from it and not yet acted on, and
/// the response being written to it.
///
/// Two locks, never waited for in the other order: `lock` guards the input side and the state (held by whoever
/// reads and parses, the event loop or a pool thread, never across a blocking call); `writeLock` is held by the
/// one writer of a response (a pool thread, which may block on a slow peer). The event loop only ever *tries*
/// `writeLock`, to answer management records at once; when a writer holds it, the answer is queued for that
/// writer to send.
final class FastCGIConnection: @unchecked Sendable {
    let id: UInt64
    let fd: Int32
    let lock = PlainLock()
    let writeLock = PlainLock()

    // Guarded by `lock`.
    var machine = ConnectionStateMachine()
    var parser: RecordParser
    /// Bytes read and not yet parsed (part of a record, or a pipelined request).
    var input: [UInt8] = []
    /// The current request's params stream, validated record by record.
    var params: [UInt8] = []
    var body: [UInt8] = []
    var bodyTooLarge = false
    var task: Task<Void, Never>?
    var descriptorClosed = false
    /// Management answers waiting for the writer that holds `writeLock`.
    var controlQueue: [UInt8] = []

    // Guarded by `writeLock`.
    /// The request id the response is written for.
    var responseRequestID: UInt16 = 1
    private var output: [UInt8] = []
    private(set) var writeFailed = false

    init(id: UInt64, fd: Int32, maxParamsSize: Int) {
        self.id = id
        self.fd = fd
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

    /// The request's parameters as name/value pairs, in the order the web server sent them. A value stops at
    /// a NUL byte, as the C-string environment of a CGI program (and libfcgi) has it.
    static func decodeParameters(_ params: [UInt8]) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        result.reserveCapacity(32)
        params.withUnsafeBytes { bytes in
            try? NameValuePairs.forEach(in: bytes) { pair in
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[pair.name]), as: UTF8.self)
                let valueBytes = UnsafeRawBufferPointer(rebasing: bytes[pair.value])
                let end = valueBytes.firstIndex(of: 0) ?? valueBytes.count
                let value = String(decoding: UnsafeRawBufferPointer(rebasing: valueBytes[0..<end]), as: UTF8.self)
                result.append((name, value))
            }
        }
        return result
    }

    /// `CONTENT_LENGTH` from the validated params stream, without decoding the rest.
    func declaredContentLength() -> Int? {
        var length: Int?
        params.withUnsafeBytes { bytes in
            try? NameValuePairs.forEach(in: bytes) { pair in
                guard length == nil, bytes[pair.name].elementsEqual("CONTENT_LENGTH".utf8) else { return }
                length = Int(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[pair.value]), as: UTF8.self))
            }
        }
        return length
    }

    // MARK: - Management answers

    /// Sends `bytes` now if no response is being written, else leaves them for the writer. Never blocks: a
    /// peer that does not read its answers fails the send. Call with `lock` held.
    func sendControl(_ bytes: [UInt8]) -> Bool {
        guard writeLock.tryLock() else {
            controlQueue.append(contentsOf: bytes)
            return true
        }
        defer { writeLock.unlock() }
        return bytes.withUnsafeBytes { sendAll($0, flags: Int32(MSG_DONTWAIT)) }
    }

    /// Takes the answers queued for the writer. Call with `lock` held.
    func takeControlQueue() -> [UInt8] {
        defer { controlQueue = [] }
        return controlQueue
    }

    // MARK: - Writing (on a pool thread; each call takes `writeLock`)

    /// Starts the response to request `id`.
    func beginResponse(requestID id: UInt16) {
        writeLock.withLock {
            responseRequestID = id
            writeFailed = false
            output.removeAll(keepingCapacity: output.capacity <= 256 * 1024)
        }
    }

    /// Appends bytes to the request's stdout, sending when enough is buffered. Returns `false` when the web
    /// server went away.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        writeLock.withLock {
            guard !writeFailed else { return false }
            bytes.withUnsafeBytes { RecordEncoder.appendStdout($0, requestID: responseRequestID, to: &output) }
            return output.count < 64 * 1024 || sendOutput()
        }
    }

    /// Sends what is buffered, so that a streamed chunk reaches the web server now.
    @discardableResult
    func flush() -> Bool {
        writeLock.withLock { sendOutput() }
    }

    /// Ends the stdout stream and sends `FCGI_END_REQUEST`. Returns whether everything was sent.
    func endRequest() -> Bool {
        writeLock.withLock {
            guard !writeFailed else { return false }
            RecordEncoder.appendEnd(requestID: responseRequestID, to: &output)
            return sendOutput()
        }
    }

    /// Sends management answers queued while a writer held `writeLock` (call without either lock held).
    func sendQueuedControl() {
        writeLock.withLock { _ = sendOutput() }
    }

    private func sendOutput() -> Bool {
        let queued = lock.withLock { takeControlQueue() }
        if !queued.isEmpty { output.insert(contentsOf: queued, at: 0) }
        guard !writeFailed else { return false }
        guard !output.isEmpty else { return true }
        let sent = output.withUnsafeBytes { sendAll($0, flags: 0) }
        output.removeAll(keepingCapacity: output.capacity <= 256 * 1024)
        if !sent { writeFailed = true }
        return sent
    }

    private func sendAll(_ bytes: UnsafeRawBufferPointer, flags: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL) | flags)
            if sent > 0 {
                offset += sent
            } else if sent < 0, errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
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
