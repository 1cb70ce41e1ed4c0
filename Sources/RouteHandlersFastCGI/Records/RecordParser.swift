/// Frames and validates the records a web server sends on one connection, before the server stores or
/// allocates anything for them.
///
/// Design: the server reads each connection's socket itself (nonblocking, when epoll says it is readable) and
/// feeds the bytes through this parser; libfcgi is not used. libfcgi's `FCGX_Accept_r` could not be made safe:
/// it `Malloc`s every name-value pair at the length the record declares (asserting, and so aborting the whole
/// process, when that fails or exceeds 2^31), its buffered stream reads ahead past the end of a request and
/// drops what it read (so a pipelined request is lost), it answers management records only while reading a
/// request (a lone `FCGI_GET_VALUES` hangs), and it blocks a thread per connection that is still sending.
/// Peeking (`MSG_PEEK`) in front of it cannot see a request larger than the socket buffer. Here instead:
///
/// - a record is acted on only once it is complete in the buffer (at most ``FastCGIRecordHeader/maximumRecordSize``
///   bytes), and a bad version is refused from its first 8 bytes;
/// - the name-value lengths of `FCGI_PARAMS` are checked as each record arrives, against the bytes the stream
///   really holds at its end and against `maxParamsSize`, so a params stream is never stored beyond the cap;
/// - requests are served one at a time per connection (`FCGI_MPXS_CONNS=0`): a `BEGIN_REQUEST` for another id
///   while one is active is reported as ``Event/multiplexed(id:)`` (to refuse with `CANT_MPX_CONN`); the next
///   request with the same id while one is in flight is ``Event/pipelined`` and left in the buffer until the
///   response is complete.
///
/// Pure and allocation-free: it keeps a few integers of state and reports byte ranges of the caller's buffer.
struct RecordParser: Equatable, Sendable {
    /// Where the connection's current request is.
    enum Phase: Equatable, Sendable {
        /// No request: waiting for `FCGI_BEGIN_REQUEST`.
        case idle
        /// Reading `FCGI_PARAMS`.
        case params
        /// Reading `FCGI_STDIN`.
        case stdin
        /// The request has arrived whole; its response is being produced.
        case inFlight
    }

    enum Event: Equatable, Sendable {
        /// The buffer does not hold a whole record yet.
        case needMore
        /// A responder request begins.
        case beginRequest(id: UInt16, keepConnection: Bool)
        /// A request for a role other than responder: answer `END_REQUEST{UNKNOWN_ROLE}`.
        case unknownRole(id: UInt16, role: UInt16, keepConnection: Bool)
        /// Content of the current request's params (validated).
        case params(Range<Int>)
        /// The params are complete.
        case paramsEnd
        /// Content of the current request's stdin.
        case stdin(Range<Int>)
        /// The request has arrived whole.
        case stdinEnd
        /// `FCGI_ABORT_REQUEST` for the current request.
        case abort
        /// `FCGI_GET_VALUES`, with the range of its name-value pairs.
        case getValues(Range<Int>)
        /// A management record of a type this responder does not know: answer `FCGI_UNKNOWN_TYPE`.
        case unknownManagementType(UInt8)
        /// `FCGI_BEGIN_REQUEST` for a second id while a request is active: answer `END_REQUEST{CANT_MPX_CONN}`.
        case multiplexed(id: UInt16)
        /// The next request's `FCGI_BEGIN_REQUEST` while the current one is in flight; nothing consumed.
        case pipelined
        /// A record with nothing to do (for a request id that is not active, or `FCGI_DATA`).
        case ignored
        /// The stream is broken: drop the connection.
        case invalid(Failure)
    }

    enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case unsupportedVersion(UInt8)
        case unexpectedType(UInt8, requestID: UInt16)
        case malformedBeginRequest(contentLength: Int)
        case beginRequestWhileActive(UInt16)
        case stdinBeforeParamsEnd
        case recordAfterEnd(UInt8)
        case paramsTooLarge(limit: Int)
        case pairTooLarge(declared: Int, limit: Int)
        case invalidParams(NameValuePairs.Failure)

        var description: String {
            switch self {
            case .unsupportedVersion(let version): "unsupported FastCGI version \(version)"
            case .unexpectedType(let type, let id): "unexpected record type \(type) for request \(id)"
            case .malformedBeginRequest(let length): "BEGIN_REQUEST with \(length) bytes of content instead of 8"
            case .beginRequestWhileActive(let id): "a second BEGIN_REQUEST for active request \(id)"
            case .stdinBeforeParamsEnd: "STDIN before the end of PARAMS"
            case .recordAfterEnd(let type): "record type \(type) after the end of its stream"
            case .paramsTooLarge(let limit): "params larger than the limit of \(limit) bytes"
            case .pairTooLarge(let declared, let limit):
                "a name-value pair declares \(declared) bytes, more than the params limit of \(limit) bytes allows"
            case .invalidParams(let failure): "invalid params: \(failure)"
            }
        }
    }

    let maxParamsSize: Int
    private(set) var phase: Phase = .idle
    private(set) var requestID: UInt16 = 0
    private(set) var keepConnection = false
    /// Bytes of params content received for the current request.
    private(set) var paramsLength = 0
    private var pairs = PairScanner()
    private var ending = false

    init(maxParamsSize: Int) {
        self.maxParamsSize = max(0, maxParamsSize)
    }

    /// The next event from the start of `bytes`, and how many bytes it consumed (0 for ``Event/needMore``
    /// and ``Event/pipelined``; the whole buffer is never needed at once: one record at most).
    mutating func next(_ bytes: UnsafeRawBufferPointer) -> (event: Event, consumed: Int) {
        guard bytes.count >= FastCGIRecordHeader.size else { return (.needMore, 0) }
        let header = FastCGIRecordHeader(bytes)
        guard header.version == FastCGIRecordHeader.version else {
            return (.invalid(.unsupportedVersion(header.version)), 0)
        }
        guard bytes.count >= header.recordLength else { return (.needMore, 0) }
        let content = FastCGIRecordHeader.size..<FastCGIRecordHeader.size + header.contentLength
        let event = handle(header, content: content, in: bytes)
        switch event {
        case .pipelined, .invalid: return (event, 0)
        default: return (event, header.recordLength)
        }
    }

    /// The response's `END_REQUEST` is about to be sent: a web server may send its next request as soon as it
    /// reads it, whatever its id, and that request waits (``Event/pipelined``) instead of being refused.
    mutating func responseEnding() {
        if phase == .inFlight { ending = true }
    }

    /// The response to the request in flight is complete (`END_REQUEST` sent): wait for the next request.
    mutating func requestFinished() {
        ending = false
        phase = .idle
        paramsLength = 0
        pairs = PairScanner()
    }

    private mutating func handle(_ header: FastCGIRecordHeader, content: Range<Int>, in bytes: UnsafeRawBufferPointer) -> Event {
        if header.requestID == 0 {
            // A management record, in any phase.
            return header.type == FastCGIRecordType.getValues.rawValue ? .getValues(content) : .unknownManagementType(header.type)
        }
        guard let type = FastCGIRecordType(rawValue: header.type) else {
            return .invalid(.unexpectedType(header.type, requestID: header.requestID))
        }
        let current = phase != .idle && header.requestID == requestID
        switch type {
        case .beginRequest:
            if phase == .inFlight, header.requestID == requestID || ending { return .pipelined }
            if current { return .invalid(.beginRequestWhileActive(requestID)) }
            guard header.contentLength == 8 else { return .invalid(.malformedBeginRequest(contentLength: header.contentLength)) }
            let role = UInt16(bytes[content.lowerBound]) << 8 | UInt16(bytes[content.lowerBound + 1])
            let keep = bytes[content.lowerBound + 2] & 1 != 0
            if phase != .idle { return .multiplexed(id: header.requestID) }
            guard role == FastCGIRole.responder.rawValue else {
                return .unknownRole(id: header.requestID, role: role, keepConnection: keep)
            }
            phase = .params
            requestID = header.requestID
            keepConnection = keep
            paramsLength = 0
            pairs = PairScanner()
            return .beginRequest(id: header.requestID, keepConnection: keep)
        case .abortRequest:
            guard current else { return .ignored }
            if phase != .inFlight { requestFinished() }
            return .abort
        case .params:
            guard current else { return .ignored }
            guard phase == .params else { return .invalid(.recordAfterEnd(header.type)) }
            if content.isEmpty {
                guard pairs.isBetweenPairs else { return .invalid(.invalidParams(pairs.failureAtEnd(streamLength: paramsLength))) }
                phase = .stdin
                return .paramsEnd
            }
            guard header.contentLength <= maxParamsSize - paramsLength else { return .invalid(.paramsTooLarge(limit: maxParamsSize)) }
            let start = paramsLength
            paramsLength += header.contentLength
            let slice = UnsafeRawBufferPointer(rebasing: bytes[content])
            if let declared = pairs.scan(slice, streamOffset: start, budget: maxParamsSize - paramsLength) {
                return .invalid(.pairTooLarge(declared: declared, limit: maxParamsSize))
            }
            return .params(content)
        case .stdin:
            guard current else { return .ignored }
            switch phase {
            case .params: return .invalid(.stdinBeforeParamsEnd)
            case .stdin:
                if content.isEmpty {
                    phase = .inFlight
                    return .stdinEnd
                }
                return .stdin(content)
            default: return .invalid(.recordAfterEnd(header.type))
            }
        case .data:
            return .ignored
        case .endRequest, .stdout, .stderr, .getValues, .getValuesResult, .unknownType:
            // Records only an application sends, or management types with a request id.
            return .invalid(.unexpectedType(header.type, requestID: header.requestID))
        }
    }
}

/// Follows the name-value pair structure of a params stream across records without storing it.
struct PairScanner: Equatable, Sendable {
    private enum State: Equatable, Sendable {
        /// Expecting the first byte of a name length (between pairs) or of a value length.
        case lengthStart(isValue: Bool)
        /// Inside a 4-byte length.
        case longLength(isValue: Bool, have: Int, value: Int)
        /// Skipping name and value bytes.
        case body(remaining: Int)
    }

    private var state = State.lengthStart(isValue: false)
    private var nameLength = 0
    private var declared = 0
    private var pairStart = 0

    var isBetweenPairs: Bool {
        if case .lengthStart(false) = state { return true }
        return false
    }

    /// Scans `bytes` (at `streamOffset` in the stream). Returns the declared length of a pair longer than the
    /// rest of this record plus `budget` (the most the stream may still grow by under the cap), else nil.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, streamOffset: Int, budget: Int) -> Int? {
        var index = 0
        while index < bytes.count {
            switch state {
            case .body(let remaining):
                let step = min(remaining, bytes.count - index)
                index += step
                state = remaining == step ? .lengthStart(isValue: false) : .body(remaining: remaining - step)
            case .lengthStart(let isValue):
                let first = bytes[index]
                if !isValue { pairStart = streamOffset + index }
                index += 1
                if first & 0x80 == 0 {
                    if !finishLength(Int(first), isValue: isValue, remainingInRecord: bytes.count - index, budget: budget) {
                        return declared
                    }
                } else {
                    state = .longLength(isValue: isValue, have: 1, value: Int(first & 0x7F))
                }
            case .longLength(let isValue, let have, let value):
                let next = value << 8 | Int(bytes[index])
                index += 1
                if have == 3 {
                    if !finishLength(next, isValue: isValue, remainingInRecord: bytes.count - index, budget: budget) { return declared }
                } else {
                    state = .longLength(isValue: isValue, have: have + 1, value: next)
                }
            }
        }
        return nil
    }

    private mutating func finishLength(_ length: Int, isValue: Bool, remainingInRecord: Int, budget: Int) -> Bool {
        guard isValue else {
            nameLength = length
            state = .lengthStart(isValue: true)
            return true
        }
        let total = nameLength + length
        declared = total
        // Bytes beyond this record must still fit under the cap.
        guard total <= remainingInRecord + budget else { return false }
        state = total == 0 ? .lengthStart(isValue: false) : .body(remaining: total)
        return true
    }

    /// Why the stream cannot end here.
    func failureAtEnd(streamLength: Int) -> NameValuePairs.Failure {
        switch state {
        case .body(let remaining):
            .lengthPastEnd(offset: pairStart, declared: declared, remaining: declared - remaining)
        default:
            .truncatedLength(offset: pairStart)
        }
    }
}
