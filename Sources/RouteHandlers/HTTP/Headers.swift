import HTTPTypes

/// HTTP header fields with the Web `Headers` API: case-insensitive, case-preserving, ordered and multi-valued.
///
/// Storage is swift-http-types' `HTTPFields`. A name that is not an HTTP token, or a value that contains CR, LF or
/// NUL, is never stored: it is recorded in `rejectedFields` instead, and a response carrying such a field is
/// refused by the server (500 and a log line) rather than sent with an altered or injected header.
public struct Headers: Sendable, Hashable {
    /// The valid fields, in order.
    public var fields: HTTPFields {
        // Whoever reads the fields whole may have read any of them (see ``HeaderReads``).
        _read {
            reads?.noteAll()
            yield storage
        }
        _modify {
            reads?.noteAll()
            yield &storage
        }
    }
    /// The fields, read without being noted in ``reads``: for the library's own use of the headers.
    package var storage: HTTPFields
    /// Notes reads of the headers that make an answer personal, while a cacheable route answers a request.
    package var reads: HeaderReads?
    /// Fields that were set with an invalid name or value, kept so that the gateway can refuse the response.
    package private(set) var rejectedFields: [RejectedField] = []

    /// A header field refused because its name or value could not be sent safely.
    package struct RejectedField: Sendable, Hashable, CustomStringConvertible {
        package var name: String
        package var value: String
        package var description: String {
            "\(name.debugDescription): \(value.debugDescription)"
        }
    }

    public init() {
        self.storage = HTTPFields()
    }

    public init(_ fields: HTTPFields) {
        self.storage = fields
    }

    /// Creates headers from name/value pairs; duplicate names are kept as separate fields.
    public init(_ pairs: some Sequence<(String, String)>) {
        self.init()
        for (name, value) in pairs { append(name, value) }
    }

    /// The combined value of every field with this name, joined with ", " (or "; " for `Cookie`), as in
    /// the Web API's `headers.get`.
    public func get(_ name: String) -> String? {
        guard let name = HTTPField.Name(name) else { return nil }
        reads?.note(name)
        return storage[name]
    }

    /// Each value of the fields with this name, uncombined (the Web API's `getSetCookie()`, for any name).
    public func getAll(_ name: String) -> [String] {
        guard let name = HTTPField.Name(name) else { return [] }
        reads?.note(name)
        return storage[values: name]
    }

    /// Each `Set-Cookie` value, uncombined.
    public func getSetCookie() -> [String] {
        storage[values: .setCookie]
    }

    public func has(_ name: String) -> Bool {
        guard let name = HTTPField.Name(name) else { return false }
        reads?.note(name)
        return storage.contains(name)
    }

    /// Replaces every field with this name by one field with this value.
    public mutating func set(_ name: String, _ value: String) {
        guard let field = validated(name, value) else { return }
        storage[values: field.name] = [value]
    }

    /// Adds a field, keeping the ones already present under the same name.
    public mutating func append(_ name: String, _ value: String) {
        guard let field = validated(name, value) else { return }
        storage.append(field)
    }

    /// Adds a field the library knows to be valid (a predefined name, a literal value) unless one with that name
    /// is present: no parsing or validation on the hot path of every response.
    package mutating func setDefault(_ name: HTTPField.Name, _ value: String) {
        guard !storage.contains(name) else { return }
        storage.append(HTTPField(name: name, value: value))
    }

    public mutating func delete(_ name: String) {
        guard let name = HTTPField.Name(name) else { return }
        storage[name] = nil
    }

    /// Reads or replaces a field like ``get(_:)`` and ``set(_:_:)``; assigning `nil` deletes it.
    public subscript(name: String) -> String? {
        get { self.get(name) }
        set {
            if let newValue { set(name, newValue) } else { delete(name) }
        }
    }

    /// Records a field that could not be sent safely (such as an invalid cookie), so the response is refused.
    mutating func reject(_ name: String, _ value: String) {
        rejectedFields.append(RejectedField(name: name, value: value))
    }

    private mutating func validated(_ name: String, _ value: String) -> HTTPField? {
        guard let fieldName = HTTPField.Name(name), Self.isSafeValue(value) else {
            rejectedFields.append(RejectedField(name: name, value: value))
            return nil
        }
        return HTTPField(name: fieldName, value: value)
    }

    /// A value is refused when it would split or end a header line: CR, LF or NUL.
    static func isSafeValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }
}

extension Headers {
    // Equal when their fields are: whether reads are being noted is no part of the value.
    public static func == (lhs: Headers, rhs: Headers) -> Bool {
        lhs.storage == rhs.storage && lhs.rejectedFields == rhs.rejectedFields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage)
        hasher.combine(rejectedFields)
    }
}

extension Headers: Sequence {
    /// Iterates `(name, value)` pairs in order, one per field, names as they were set.
    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
        fields.lazy.map { (name: $0.name.rawName, value: $0.value) }.makeIterator()
    }
}

extension Headers: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }
}

extension Headers: CustomStringConvertible {
    public var description: String {
        fields.map { "\($0.name.rawName): \($0.value)" }.joined(separator: "\n")
    }
}
