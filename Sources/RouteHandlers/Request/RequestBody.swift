/// The body of a request, read by the gateway before the handler runs and kept, so it can be read more than once
/// (verify a webhook signature over the raw bytes, then decode it).
public struct RequestBody: Sendable, Hashable {
    /// The bytes as they arrived.
    public let bytes: [UInt8]

    public init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    public init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    public static let empty = RequestBody()

    public var isEmpty: Bool { bytes.isEmpty }
    public var count: Int { bytes.count }
}

extension RequestBody: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self.init(value)
    }
}
