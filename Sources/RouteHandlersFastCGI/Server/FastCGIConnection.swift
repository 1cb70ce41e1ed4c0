import CFastCGI
import RouteHandlers
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One connection from the web server, with the libfcgi request record that lives as long as it does.
///
/// The `FCGX_Request` is heap-allocated once and never moves. Only one thread touches it at a time: the event
/// loop hands the connection to a pool thread when it becomes readable, and the request's task hands it back to
/// the pool to write.
final class FastCGIConnection: @unchecked Sendable {
    enum State {
        /// Waiting in epoll for the next request (costs no thread).
        case idle
        /// A pool thread is reading a request.
        case reading
        /// A handler is running or its response is being written; `task` is cancelled if the web server hangs up.
        case busy(Task<Void, Never>?)
        case closed
    }

    let id: UInt64
    let fd: Int32
    let record: UnsafeMutablePointer<FCGX_Request>
    let state = Mutex<State>(.idle)
    /// Whether the web server asked to keep the connection (`FCGI_KEEP_CONN`, nginx's `fastcgi_keep_conn on`).
    var keepAlive = false
    /// Set when the web server hung up on a request in flight.
    let aborted = Atomic<Bool>(false)
    /// Set when `readBody` stopped before the end of stdin (a body over the limit). libfcgi's `FCGX_Finish_r`
    /// does not discard unread input, so `finish` does: left there, it would be misread as the next request,
    /// and closing with it unread resets the connection (nginx then answers 502 instead of the 413).
    var unreadInput = false

    init(id: UInt64, fd: Int32) {
        self.id = id
        self.fd = fd
        self.record = .allocate(capacity: 1)
        FCGX_InitRequest(record, -1, 0)
        record.pointee.ipcFd = fd
    }

    deinit {
        record.deallocate()
    }

    /// Reads the next request's parameters. Returns `false` when the web server closed the connection or broke
    /// the protocol; libfcgi has closed the descriptor then.
    func acceptRequest() -> Bool {
        prepareForLibfcgi()
        // With listen_sock -1, a connection that turns out closed makes FCGX_Accept_r fail instead of
        // blocking in accept().
        guard FCGX_Accept_r(record) == 0 else { return false }
        keepAlive = record.pointee.keepConnection != 0
        return true
    }

    /// The request's parameters as name/value pairs, in the order the web server sent them.
    func parameters() -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        guard var cursor = record.pointee.envp else { return result }
        result.reserveCapacity(32)
        while let entry = cursor.pointee {
            if let equals = strchr(entry, Int32(UInt8(ascii: "="))) {
                let nameLength = entry.distance(to: equals)
                let name = String(decoding: UnsafeRawBufferPointer(start: entry, count: nameLength), as: UTF8.self)
                let value = String(cString: equals + 1)
                if name != "FCGI_ROLE" { result.append((name, value)) }
            }
            cursor += 1
        }
        return result
    }

    enum BodyResult {
        case complete([UInt8])
        case tooLarge
        case failed
    }

    /// Reads the body to the end of stdin (nginx sends no `CONTENT_LENGTH` for a streamed body), keeping at most
    /// `limit` bytes. Anything beyond the limit is left for `finish`, which discards it.
    func readBody(limit: Int, expectedLength: Int?) -> BodyResult {
        if let expectedLength, expectedLength > limit {
            unreadInput = true
            return .tooLarge
        }
        var body: [UInt8] = []
        if let expectedLength, expectedLength > 0 { body.reserveCapacity(expectedLength) }
        let chunk = 64 * 1024
        let scratch = UnsafeMutablePointer<CChar>.allocate(capacity: chunk)
        defer { scratch.deallocate() }
        while true {
            let read = Int(FCGX_GetStr(scratch, Int32(chunk), record.pointee.in))
            if read > 0 {
                guard body.count + read <= limit else {
                    unreadInput = true
                    return .tooLarge
                }
                body.append(contentsOf: UnsafeRawBufferPointer(start: scratch, count: read))
            }
            if read < chunk {
                return FCGX_GetError(record.pointee.in) == 0 ? .complete(body) : .failed
            }
        }
    }

    /// Writes bytes to the request's stdout. Returns `false` when the web server went away.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, 1 << 30)
            let written = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: count) {
                    FCGX_PutStr($0, Int32(count), record.pointee.out)
                }
            }
            guard written == Int32(count) else { return false }
            offset += count
        }
        return true
    }

    /// Sends what is buffered, so that a streamed chunk reaches nginx now.
    @discardableResult
    func flush() -> Bool {
        FCGX_FFlush(record.pointee.out) == 0
    }

    enum AfterFinish {
        /// The connection is open and the web server wants it kept: wait for the next request.
        case keepOpen
        /// The connection is closed.
        case closed
    }

    /// Ends the request (`FCGI_END_REQUEST`, discarding unread stdin) and then keeps or closes the connection.
    func finish(keepOpen wanted: Bool) -> AfterFinish {
        if unreadInput {
            discardInput()
            unreadInput = false
        }
        prepareForLibfcgi()
        FCGX_Finish_r(record)
        // FCGX_Finish_r closed the connection itself after a stream error.
        guard record.pointee.ipcFd >= 0 else { return .closed }
        if wanted && keepAlive && !aborted.load(ordering: .relaxed) { return .keepOpen }
        closeDescriptor()
        return .closed
    }

    /// Reads stdin to its end and drops it. nginx sends a body it has buffered (its default), so this takes
    /// no longer than copying it; the web server's own limit (`client_max_body_size`) bounds it.
    private func discardInput() {
        let chunk: Int32 = 64 * 1024
        let scratch = UnsafeMutablePointer<CChar>.allocate(capacity: Int(chunk))
        defer { scratch.deallocate() }
        while !aborted.load(ordering: .relaxed), FCGX_GetStr(scratch, chunk, record.pointee.in) == chunk {}
    }

    /// Whether bytes of a next request are waiting to be read.
    var hasPendingInput: Bool {
        var pending: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &pending) == 0 && pending > 0
    }

    /// Closes the descriptor if libfcgi has not.
    func closeDescriptor() {
        guard record.pointee.ipcFd >= 0 else { return }
        _ = Glibc.close(record.pointee.ipcFd)
        record.pointee.ipcFd = -1
    }

    /// libfcgi closes a connection whose request record lacks `keepConnection`, and lingers up to 2 s in
    /// `OS_IpcClose` unless `detached` is set. Keeping and closing are decided here instead.
    private func prepareForLibfcgi() {
        record.pointee.keepConnection = 1
        record.pointee.detached = 1
    }
}
