import HTTPTypes

/// Form fields or query parameters that did not decode into the type asked for, each with the reason: thrown by
/// ``URLSearchParams/decode(_:)`` and ``FormData/decode(_:)``; ``Request/query(_:)`` and ``Request/form(_:)``
/// answer it as a problem naming every field (RFC 9457's `invalid-params`).
public struct InvalidInput: Error, Sendable, Hashable, CustomStringConvertible {
    /// One bad field: its name as the client sent it (`address[city]`) and what is wrong with it.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var reason: String

        public init(name: String, reason: String) {
            self.name = name
            self.reason = reason
        }
    }

    public var fields: [Field]

    public init(fields: [Field]) {
        self.fields = fields
    }

    public var description: String {
        fields.map { $0.name.isEmpty ? $0.reason : "\($0.name) \($0.reason)" }.joined(separator: "; ")
    }

    /// The problem response: `status` (400 for a query, 422 for a form), `detail` naming the fields, and
    /// `invalid-params: [{"name", "reason"}]`.
    public func httpError(status: HTTPResponse.Status) -> HTTPError {
        var error = HTTPError(status, fields.count == 1 ? "Invalid field: \(description)." : "Invalid fields: \(description).")
        error.problemMembers["invalid-params"] = .array(fields.map { .object(["name": .string($0.name), "reason": .string($0.reason)]) })
        return error
    }
}

/// A decoded input that checks more than its types can say (a range, a format, two fields together). Its
/// `validate(_:)` runs after decoding, in ``Request/form(_:)`` and ``Request/query(_:)``, and every failed
/// check is answered with the others.
///
/// ```swift
/// struct Signup: Decodable, Validatable {
///     var email: String
///     var age: Int
///     func validate(_ check: inout Validation) {
///         check(email.contains("@"), "email", "must be an e-mail address")
///         check((13...130).contains(age), "age", "must be between 13 and 130")
///     }
/// }
/// ```
public protocol Validatable {
    func validate(_ check: inout Validation)
}

/// The failed checks of a ``Validatable`` input.
public struct Validation: Sendable {
    var problems: [InvalidInput.Field] = []

    /// Records `reason` for `field` unless `condition` holds.
    public mutating func callAsFunction(_ condition: Bool, _ field: String, _ reason: String) {
        if !condition { problems.append(InvalidInput.Field(name: field, reason: reason)) }
    }
}

extension URLSearchParams {
    /// The parameters decoded into `T` (see ``Request/query(_:)``).
    /// - Throws: ``InvalidInput`` naming every bad or missing parameter.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws(InvalidInput) -> T {
        try InputDecoder(fields: pairs.map { (name: $0.name, value: .text($0.value)) }).decode(T.self)
    }
}

extension FormData {
    /// The form decoded into `T` (see ``Request/form(_:)``); a ``FormData/File`` property takes a file part.
    /// - Throws: ``InvalidInput`` naming every bad or missing field.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws(InvalidInput) -> T {
        try InputDecoder(fields: entries).decode(T.self)
    }
}

extension FormData.File: Decodable {
    /// Only a form decodes a file (``FormData/decode(_:)``): no other format carries one.
    public init(from decoder: any Decoder) throws {
        throw DecodingError.typeMismatch(
            FormData.File.self,
            DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "A file comes only from a form's file part."))
    }
}

extension Request {
    /// The query string decoded into `T`: `struct Page: Decodable { var page: Int; var q: String? }`, then
    /// `let page = try request.query(Page.self)`.
    /// - Throws: ``HTTPError`` 400 naming every bad or missing parameter (`invalid-params`).
    public func query<T: Decodable>(_ type: T.Type = T.self) throws(HTTPError) -> T {
        do {
            return try url.searchParams.decode(T.self)
        } catch {
            throw error.httpError(status: .badRequest)
        }
    }

    /// The form body (urlencoded or multipart) decoded into `T`, a file part into a ``FormData/File`` property.
    /// - Throws: ``HTTPError`` 422 naming every bad or missing field (`invalid-params`); 415 for a body that is not
    ///   a form, 400 for a malformed one, 413 over the body limit, as ``formData()``.
    public func form<T: Decodable>(_ type: T.Type = T.self) async throws -> T {
        let form = try await formData()
        do {
            return try form.decode(T.self)
        } catch {
            throw error.httpError(status: .unprocessableContent)
        }
    }
}
