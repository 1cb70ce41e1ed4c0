/// The body of a request: bytes the gateway read before the handler ran (a small request, a test), or a stream
/// it feeds while the handler runs (a request whose body was still arriving, such as a large upload).
///
/// Read it with the asynchronous readers, which work on both and can run any number of times (verify a
/// webhook signature over the raw bytes, then decode it): ``Request/bytes()``, `text()`, `json()`,
/// `formData()` collect a streamed body once and keep it; ``Request/bodyChunks`` hands out the chunks as they
/// arrive, without keeping them.
///
/// The synchronous ``bytes``, ``count`` and ``isEmpty`` describe bytes already in memory. A streamed body has
/// none until a buffered reader has collected it, and these accessors never pretend it is empty or cut short:
/// on a streamed body not yet collected they throw ``StreamedBodyError``, which a handler that lets it propagate
/// answers with a 500 (and a log line naming it), never a crash. Check ``isStreamed`` or use ``bufferedBytes``
/// (which is `nil` then) where a body may be streamed.
public struct RequestBody: Sendable, Hashable {
    enum Storage: Sendable {
        case buffered([UInt8])
        case streamed(RequestBodyStream)
    }

    let storage: Storage

    public init(bytes: [UInt8] = []) {
        storage = .buffered(bytes)
    }

    public init(_ text: String) {
        storage = .buffered(Array(text.utf8))
    }

    /// A body the gateway feeds while the handler runs.
    package init(stream: RequestBodyStream) {
        storage = .streamed(stream)
    }

    public static let empty = RequestBody()

    /// Whether the gateway streams this body (it was still arriving when the handler started).
    public var isStreamed: Bool {
        if case .streamed = storage { return true }
        return false
    }

    /// The bytes when they are in memory: a buffered body, or a streamed one a buffered reader has collected;
    /// `nil` for a streamed body not collected yet.
    public var bufferedBytes: [UInt8]? {
        switch storage {
        case .buffered(let bytes): bytes
        case .streamed(let stream): stream.collected
        }
    }

    /// The bytes as they arrived. For a streamed body, only once a buffered reader has collected it: see the
    /// type's discussion (prefer `await request.bytes()`).
    /// - Throws: ``StreamedBodyError`` for a streamed body not collected yet.
    public var bytes: [UInt8] {
        get throws(StreamedBodyError) {
            guard let bytes = bufferedBytes else { throw StreamedBodyError() }
            return bytes
        }
    }

    /// Whether the body has no bytes. - Throws: ``StreamedBodyError`` for a streamed body not collected yet.
    public var isEmpty: Bool {
        get throws(StreamedBodyError) { try bytes.isEmpty }
    }

    /// The body's size in bytes. - Throws: ``StreamedBodyError`` for a streamed body not collected yet.
    public var count: Int {
        get throws(StreamedBodyError) { try bytes.count }
    }

    /// The stream, for readers in this module.
    var stream: RequestBodyStream? {
        if case .streamed(let stream) = storage { return stream }
        return nil
    }

    public static func == (lhs: RequestBody, rhs: RequestBody) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.buffered(let left), .buffered(let right)): left == right
        case (.streamed(let left), .streamed(let right)): left === right
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .buffered(let bytes): hasher.combine(bytes)
        case .streamed(let stream): hasher.combine(ObjectIdentifier(stream))
        }
    }
}

/// A synchronous accessor (``RequestBody/bytes``, ``RequestBody/count``, ``RequestBody/isEmpty``) was used on a
/// streamed body (a route with `requestBuffering = false`) before any reader collected it.
public struct StreamedBodyError: Error, Sendable, CustomStringConvertible {
    public init() {}

    public var description: String {
        "The request body is streamed (requestBuffering = false) and was not read yet: read it with `await request.bytes()`, "
            + "`text()`, `json()` or `bodyChunks` before using `request.body.bytes`, `count` or `isEmpty`."
    }
}

extension RequestBody: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self.init(value)
    }
}
