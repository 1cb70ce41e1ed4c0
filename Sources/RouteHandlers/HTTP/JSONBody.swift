#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON encoding and decoding used for request and response bodies, with decoding errors translated into
/// client errors (400 for malformed JSON, 422 for the wrong shape).
package enum JSONBody {
    /// One encoder for every response: its options never change after this, and encoding with it is
    /// thread-safe, so the hot path does not build one per request.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        // JSON.stringify does not escape "/"; keys are sorted so that a body is the same bytes every time
        // (swift-foundation does not keep declaration order).
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    private static let decoder = JSONDecoder()

    /// Encodes `value` compactly, keys sorted, slashes unescaped.
    ///
    /// A fast encoder of our own writes the same bytes as `JSONEncoder` several times faster; whatever it does not
    /// reproduce exactly, and any error at all, sends the whole value through `JSONEncoder`, so results and errors
    /// are JSONEncoder's.
    package static func encode(_ value: some Encodable) throws -> [UInt8] {
        if let bytes = try? FastJSONEncoder.encode(value) { return bytes }
        return Array(try encoder.encode(value))
    }

    /// Encodes `value` with JSONEncoder only: what ``encode(_:)`` falls back on, and what tests compare it with.
    static func encodeWithFoundation(_ value: some Encodable) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }

    /// Decodes `type` from JSON bytes.
    /// - Throws: ``HTTPError`` 400 for an empty or malformed body, 422 naming the field that did not fit.
    package static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(HTTPError) -> T {
        guard !bytes.isEmpty else {
            throw HTTPError(.badRequest, "The request body is empty; expected JSON.")
        }
        do {
            return try decoder.decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw HTTPError(decoding: error)
        } catch {
            throw HTTPError(.badRequest, "The request body is not valid JSON.")
        }
    }
}

extension HTTPError {
    /// 400 for malformed JSON, 422 for well-formed JSON that does not fit the expected type.
    init(decoding error: DecodingError) {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (last.map { [$0] } ?? [])
            guard !keys.isEmpty else { return "the body" }
            let joined = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .reduce("") { $0.isEmpty || $1.hasPrefix("[") ? $0 + $1 : $0 + "." + $1 }
            return "\"\(joined)\""
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self.init(.badRequest, "The request body is not valid JSON.")
        case .dataCorrupted(let context):
            self.init(.unprocessableContent, "Invalid value at \(path(context.codingPath)): \(context.debugDescription)")
        case .keyNotFound(let key, let context):
            self.init(.unprocessableContent, "Missing field \(path(context.codingPath, key)).")
        case .valueNotFound(_, let context):
            self.init(.unprocessableContent, "Field \(path(context.codingPath)) must not be null.")
        case .typeMismatch(let type, let context):
            self.init(.unprocessableContent, "Field \(path(context.codingPath)) must be \(JSONBody.describe(type)).")
        @unknown default:
            self.init(.badRequest, "The request body could not be decoded.")
        }
    }
}

extension JSONBody {
    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
