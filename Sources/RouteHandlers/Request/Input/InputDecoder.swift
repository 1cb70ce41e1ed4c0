/// Decodes form fields and query parameters (name/value pairs) into a `Decodable` type, collecting a reason for
/// every field that is missing or malformed instead of stopping at the first, so that the client is told all of
/// them at once (``InvalidInput``).
///
/// Names: a property `title` reads the field `title`; a nested type's `city` reads `address[city]`; an array reads
/// every `tags` field, or `tags[]`. Values: strings as sent; whole and decimal numbers; `Bool` as `true`/`false`,
/// `on`/`off`, `1`/`0`, `yes`/`no`, a missing `Bool` being `false` (an unchecked checkbox sends nothing); enums by
/// raw value; ``FormData/File`` from a file part. A type that decodes itself from a string (`UUID`) works too.
struct InputDecoder {
    let fields: [(name: String, value: FormData.Value)]

    func decode<T: Decodable>(_ type: T.Type) throws(InvalidInput) -> T {
        let state = InputDecodingState(fields: fields)
        let value: T
        do {
            value = try T(from: InputFieldDecoder(state: state, path: []))
        } catch {
            if state.problems.isEmpty { state.record(path: [], reason: Self.reason(for: error)) }
            throw InvalidInput(fields: state.problems)
        }
        guard state.problems.isEmpty else { throw InvalidInput(fields: state.problems) }
        if let validated = value as? any Validatable {
            var validation = Validation()
            validated.validate(&validation)
            if !validation.problems.isEmpty { throw InvalidInput(fields: validation.problems) }
        }
        return value
    }

    /// A client-facing reason for a decoding error of a type's own `init(from:)`.
    static func reason(for error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context):
            return context.debugDescription.isEmpty ? "is not valid" : "is not valid: \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, _):
            return "needs \(key.stringValue)"
        default:
            return "is not valid"
        }
    }
}

/// The fields, and the problems found so far, shared by every container of one decoding.
final class InputDecodingState {
    let fields: [(name: String, value: FormData.Value)]
    private(set) var problems: [InvalidInput.Field] = []

    init(fields: [(name: String, value: FormData.Value)]) {
        self.fields = fields
    }

    func values(named name: String) -> [FormData.Value] {
        fields.lazy.filter { $0.name == name || $0.name == name + "[]" }.map(\.value)
    }

    /// Whether any field is `name` or lies under it (`name[…]`).
    func hasFields(under name: String) -> Bool {
        fields.contains { $0.name == name || $0.name.hasPrefix(name + "[") }
    }

    func record(path: [any CodingKey], reason: String) {
        let name = Self.fieldName(path)
        guard !problems.contains(where: { $0.name == name }) else { return }
        problems.append(InvalidInput.Field(name: name, reason: reason))
    }

    /// `address[city]` for the path address → city; array positions are not part of a field's name.
    static func fieldName(_ path: [any CodingKey]) -> String {
        let names = path.filter { $0.intValue == nil }.map(\.stringValue)
        guard let first = names.first else { return "" }
        return first + names.dropFirst().map { "[\($0)]" }.joined()
    }
}

/// A placeholder returned for a field already recorded as a problem, so that decoding goes on to the next field.
struct InputPlaceholder: Error {}

struct InputFieldDecoder: Decoder {
    let state: InputDecodingState
    let path: [any CodingKey]
    /// The value a single-value container decodes (an array element, or a field's first value).
    var value: FormData.Value?

    init(state: InputDecodingState, path: [any CodingKey], value: FormData.Value? = nil) {
        self.state = state
        self.path = path
        self.value = value
    }

    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(InputKeyedContainer<Key>(state: state, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        InputUnkeyedContainer(state: state, path: path, values: state.values(named: InputDecodingState.fieldName(path)))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        InputSingleValueContainer(state: state, path: path, value: value ?? state.values(named: InputDecodingState.fieldName(path)).first)
    }
}
