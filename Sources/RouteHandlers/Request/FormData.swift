/// A parsed form body, as the Web `FormData`: ordered entries, a name may repeat, each value text or a file.
///
/// Read it with ``Request/formData()``; it understands `application/x-www-form-urlencoded` (WHATWG semantics,
/// like ``URLSearchParams``) and `multipart/form-data` (RFC 7578).
public struct FormData: Sendable, Hashable {
    /// One value of a form: text, or an uploaded file.
    public enum Value: Sendable, Hashable {
        case text(String)
        case file(File)

        /// The text, or `nil` for a file.
        public var text: String? {
            if case .text(let text) = self { return text }
            return nil
        }

        /// The file, or `nil` for text.
        public var file: File? {
            if case .file(let file) = self { return file }
            return nil
        }
    }

    /// An uploaded file: its name on the client, its declared type and its bytes.
    public struct File: Sendable, Hashable {
        /// The client's file name (without any directory part a client may have sent; never trust it as a path).
        public var filename: String
        /// The part's `Content-Type`, `application/octet-stream` when it had none.
        public var contentType: String
        public var bytes: [UInt8]

        public init(filename: String, contentType: String = "application/octet-stream", bytes: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.bytes = bytes
        }

        public var size: Int { bytes.count }

        /// The content decoded as UTF-8.
        public func text() -> String { String(decoding: bytes, as: UTF8.self) }
    }

    private var store: OrderedPairs<Value>

    /// The entries in the order they were sent.
    public var entries: [(name: String, value: Value)] {
        get { store.pairs }
        set { store.pairs = newValue }
    }

    public init(_ entries: [(name: String, value: Value)] = []) {
        store = OrderedPairs(entries)
    }

    /// The first value for `name`.
    public func get(_ name: String) -> Value? { store.first(name) }

    /// Every value for `name`, in order.
    public func getAll(_ name: String) -> [Value] { store.all(name) }

    public func has(_ name: String) -> Bool { store.contains(name) }

    /// The first text value for `name` (files are skipped).
    public func string(_ name: String) -> String? {
        store.all(name).lazy.compactMap(\.text).first
    }

    /// The first file for `name` (text values are skipped).
    public func file(_ name: String) -> File? {
        store.all(name).lazy.compactMap(\.file).first
    }

    public mutating func append(_ name: String, _ value: String) { store.append(name, .text(value)) }

    public mutating func append(_ name: String, _ file: File) { store.append(name, .file(file)) }
}

extension FormData: Sequence {
    public func makeIterator() -> IndexingIterator<[(name: String, value: Value)]> {
        entries.makeIterator()
    }
}

extension FormData {
    /// Parses a form body of the given `Content-Type`.
    /// - Throws: ``HTTPError`` 415 when the type is not a form type (or names a charset other than UTF-8),
    ///   400 when the body does not follow its type (no multipart boundary, a malformed part, invalid UTF-8).
    public static func parse(_ body: [UInt8], contentType: String?) throws(HTTPError) -> FormData {
        guard let contentType, let mediaType = MediaType(contentType) else {
            throw HTTPError(
                .unsupportedMediaType,
                "Expected a form body (application/x-www-form-urlencoded or multipart/form-data); the request has no Content-Type.")
        }
        if let charset = mediaType.parameter("charset")?.lowercased(), charset != "utf-8", charset != "us-ascii" {
            throw HTTPError(.unsupportedMediaType, "Form bodies must be UTF-8, not \(charset).")
        }
        switch mediaType.type {
        case "application/x-www-form-urlencoded":
            return try parseURLEncoded(body)
        case "multipart/form-data":
            guard let boundary = mediaType.parameter("boundary") else {
                throw HTTPError(.badRequest, "The multipart/form-data Content-Type has no boundary parameter.")
            }
            return try MultipartParser.parse(body, boundary: boundary)
        default:
            throw HTTPError(
                .unsupportedMediaType,
                "Expected a form body (application/x-www-form-urlencoded or multipart/form-data), not \(mediaType.type).")
        }
    }

    static func parseURLEncoded(_ body: [UInt8]) throws(HTTPError) -> FormData {
        guard let text = String(validating: body, as: UTF8.self) else {
            throw HTTPError(.badRequest, "The form body is not valid UTF-8.")
        }
        return FormData(URLSearchParams(text).pairs.map { (name: $0.name, value: .text($0.value)) })
    }
}

extension Request {
    /// The body parsed as a form (`application/x-www-form-urlencoded` or `multipart/form-data`).
    /// - Throws: ``HTTPError`` 415 for another content type, 400 for a malformed form, 413 over the body limit.
    public func formData() async throws -> FormData {
        try FormData.parse(try await bytes(), contentType: headers.get("Content-Type"))
    }
}
