import Synchronization

/// A request body that a gateway feeds while the handler runs (a large upload read from the web server as it
/// arrives): the producer side for gateways, the consumer side behind ``Request/bodyChunks`` and the buffered
/// readers.
///
/// - One consumer: the chunks are handed out once. A buffered reader (`bytes()`, `text()`, `json()`,
///   `formData()`) collects the whole body and keeps it, so every reader can run again afterwards; iterating
///   ``Request/bodyChunks`` after that replays the kept bytes.
/// - Back-pressure: ``append(_:)`` answers `false` once more than ``highWaterMark`` bytes wait unconsumed; the
///   gateway then stops reading its socket until the stream calls its `resume` handler (the consumer drained
///   it to half the mark).
/// - Ends: ``finish()`` (the body is whole), ``fail(_:)`` (the web server went away or aborted the request); a
///   consumer waiting when its task is cancelled gets `CancellationError`.
package final class RequestBodyStream: Sendable {
    /// Unconsumed bytes above which the producer is told to pause: large enough for full socket reads, small
    /// enough that an upload of any size keeps a few hundred KiB per request.
    package static let defaultHighWaterMark = 512 * 1024

    package let highWaterMark: Int
    private let resume: @Sendable () -> Void
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var chunks: [[UInt8]] = []
        var head = 0
        var buffered = 0
        var finished = false
        var failure: (any Error)?
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        var consumer = Consumer.none
        var producerPaused = false
        /// The consumer went away (the response is done): what arrives is dropped.
        var discarding = false

        /// The next chunk, the end or the failure; `nil` when the reader must wait.
        mutating func step(highWaterMark: Int) -> Result<[UInt8]?, any Error>? {
            if head < chunks.count {
                let chunk = chunks[head]
                chunks[head] = []
                head += 1
                if head == chunks.count {
                    chunks.removeAll(keepingCapacity: true)
                    head = 0
                }
                buffered -= chunk.count
                return .success(chunk)
            }
            if let failure { return .failure(failure) }
            if finished { return .success(nil) }
            return nil
        }

        /// Whether a paused producer may read again: half the mark drained (or nothing left to wait for).
        mutating func takeResume(_ highWaterMark: Int) -> Bool {
            guard producerPaused, buffered <= highWaterMark / 2 else { return false }
            producerPaused = false
            return true
        }
    }

    private enum Consumer {
        case none
        /// Handing out chunks to one reader.
        case reading
        /// Collected whole by a buffered reader.
        case collected([UInt8])
        /// Collecting failed (over the limit, the web server went away): every reader gets this error.
        case failed(any Error)
    }

    /// - Parameter resume: called (without locks held) when a producer told to pause may read again.
    package init(highWaterMark: Int = RequestBodyStream.defaultHighWaterMark, resume: @escaping @Sendable () -> Void = {}) {
        self.highWaterMark = max(1, highWaterMark)
        self.resume = resume
    }

    // MARK: - Producer

    /// Adds bytes that arrived. Returns `false` when the producer should stop reading until `resume` is called.
    @discardableResult
    package func append(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        let (waiter, keepReading) = state.withLock { state -> (CheckedContinuation<[UInt8]?, any Error>?, Bool) in
            guard !state.finished, state.failure == nil, !state.discarding else { return (nil, true) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (waiter, true)
            }
            state.chunks.append(bytes)
            state.buffered += bytes.count
            if state.buffered > highWaterMark { state.producerPaused = true }
            return (nil, !state.producerPaused)
        }
        waiter?.resume(returning: bytes)
        return keepReading
    }

    /// The body is whole.
    package func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The body will not arrive whole (`error` is what the consumer gets once it has read what did arrive).
    package func fail(_ error: any Error) {
        let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
            guard !state.finished, state.failure == nil else { return nil }
            state.failure = error
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: error)
    }

    /// The consumer is done with the body (its response is sent): drop what waits and what still arrives.
    package func discard() {
        state.withLock { state in
            state.discarding = true
            state.chunks = []
            state.head = 0
            state.buffered = 0
        }
    }

    /// Whether a reader has taken chunks from the stream (as opposed to nobody having looked at the body).
    package var consumerStarted: Bool {
        state.withLock { state in
            if case .none = state.consumer { return false }
            return true
        }
    }

    /// Unconsumed bytes held now.
    package var bufferedCount: Int { state.withLock { $0.buffered } }

    // MARK: - Consumer

    /// Claims the stream for one reader. Returns the collected body when a buffered reader already read it.
    /// - Throws: when the body was already read as a stream, or collecting it failed.
    func claim() throws -> [UInt8]? {
        try state.withLock { state in
            switch state.consumer {
            case .none:
                state.consumer = .reading
                return nil
            case .reading: throw RequestBodyStreamError.alreadyRead
            case .collected(let bytes): return bytes
            case .failed(let error): throw error
            }
        }
    }

    /// The next chunk, `nil` at the end. Only the reader that claimed the stream calls it.
    func next() async throws -> [UInt8]? {
        let (step, shouldResume) = state.withLock { state in (state.step(highWaterMark: highWaterMark), state.takeResume(highWaterMark)) }
        if shouldResume { resume() }
        if let step { return try step.get() }
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                let (immediate, shouldResume) = state.withLock { state -> (Result<[UInt8]?, any Error>?, Bool) in
                    // Arrived between the two locks: hand it over at once.
                    if let step = state.step(highWaterMark: highWaterMark) { return (step, state.takeResume(highWaterMark)) }
                    if Task.isCancelled { return (.failure(CancellationError()), false) }
                    state.waiter = continuation
                    return (nil, false)
                }
                if shouldResume { resume() }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Reads the whole body (once; later calls get the kept bytes), throwing 413 as soon as more than `limit`
    /// bytes have arrived.
    func collect(limit: Int?) async throws -> [UInt8] {
        if let collected = try claim() {
            if let limit, collected.count > limit { throw HTTPError.bodyTooLarge(limit: limit) }
            return collected
        }
        var bytes: [UInt8] = []
        do {
            while let chunk = try await next() {
                if let limit, bytes.count + chunk.count > limit { throw HTTPError.bodyTooLarge(limit: limit) }
                bytes.append(contentsOf: chunk)
            }
        } catch {
            state.withLock { $0.consumer = .failed(error) }
            throw error
        }
        state.withLock { $0.consumer = .collected(bytes) }
        return bytes
    }

    /// The collected body, when a buffered reader has read it.
    var collected: [UInt8]? {
        state.withLock { state in
            if case .collected(let bytes) = state.consumer { return bytes }
            return nil
        }
    }
}

/// A misuse of a streamed request body.
public enum RequestBodyStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body was already read as a stream (``Request/bodyChunks``): its chunks are handed out once. Read it
    /// with a buffered reader (`bytes()`) first to read it more than once.
    case alreadyRead

    public var description: String {
        switch self {
        case .alreadyRead:
            "The request body was already read as a stream; read it with bytes() to read it more than once."
        }
    }
}
