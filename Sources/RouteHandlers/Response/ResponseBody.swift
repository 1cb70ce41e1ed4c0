/// The body of a response: fixed bytes, known up front, or a stream the handler writes chunk by chunk.
public struct ResponseBody: Sendable {
    /// What the body is made of; the response writer switches over it to send the body.
    enum Storage: Sendable {
        case bytes([UInt8])
        case stream(@Sendable (inout any ResponseBodyWriter) async throws -> Void)
    }

    let storage: Storage

    /// No body.
    public static let empty = ResponseBody(storage: .bytes([]))

    public init(bytes: [UInt8]) {
        self.storage = .bytes(bytes)
    }

    public init(_ text: String) {
        self.storage = .bytes(Array(text.utf8))
    }

    /// A body produced by `write`, sent to the client chunk by chunk as it is written.
    public init(stream write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) {
        self.storage = .stream(write)
    }

    init(storage: Storage) {
        self.storage = storage
    }

    /// The bytes of a fixed body; `nil` for a stream.
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = storage { return bytes }
        return nil
    }

    /// Whether the body is a stream (its length is unknown up front).
    public var isStream: Bool {
        if case .stream = storage { return true }
        return false
    }
}

/// Where a streaming body's chunks go. Each `write` returns once the chunk has been handed to the web server.
public protocol ResponseBodyWriter {
    mutating func write(_ bytes: [UInt8]) async throws
}

extension ResponseBodyWriter {
    public mutating func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }

    /// Writes `value` as one NDJSON line (`application/x-ndjson`): its JSON as ``Response/json(_:status:headers:)``
    /// encodes it, then a newline.
    public mutating func writeJSONLine(_ value: some Encodable) async throws {
        try await write(try JSONBody.encode(value) + [UInt8(ascii: "\n")])
    }
}
