/// A struct's fields: `key` is the field `key`, or `parent[key]` below the top level.
struct InputKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: InputDecodingState
    let path: [any CodingKey]

    var codingPath: [any CodingKey] { path }
    var allKeys: [Key] {
        let prefix = InputDecodingState.fieldName(path)
        var seen: Set<String> = []
        return state.fields.compactMap { field in
            var name = Substring(field.name)
            if !prefix.isEmpty {
                guard name.hasPrefix(prefix + "["), let end = name.dropFirst(prefix.count + 1).firstIndex(of: "]") else { return nil }
                name = name[name.index(name.startIndex, offsetBy: prefix.count + 1)..<end]
            } else if let bracket = name.firstIndex(of: "[") {
                name = name[..<bracket]
            }
            guard seen.insert(String(name)).inserted else { return nil }
            return Key(stringValue: String(name))
        }
    }

    func contains(_ key: Key) -> Bool {
        state.hasFields(under: InputDecodingState.fieldName(path + [key]))
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard contains(key) else { return true }
        // An empty text field is no value, for an optional property.
        let values = state.values(named: InputDecodingState.fieldName(path + [key]))
        return values.count == 1 && values.first?.text?.isEmpty == true
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let keyPath = path + [key]
        if T.self == Bool.self, !contains(key) {
            // An unchecked checkbox sends nothing.
            if let no = false as? T { return no }
        }
        let name = InputDecodingState.fieldName(keyPath)
        if !(T.self is any InputCollection.Type), !state.hasFields(under: name) {
            state.record(path: keyPath, reason: "is required")
            return try InputSingleValueContainer.placeholder(T.self)
        }
        return try InputSingleValueContainer.decode(T.self, state: state, path: keyPath, value: nil)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard try !decodeNil(forKey: key) else { return nil }
        return try InputSingleValueContainer.decode(T.self, state: state, path: path + [key], value: nil)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(InputKeyedContainer<NestedKey>(state: state, path: path + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        InputUnkeyedContainer(state: state, path: path + [key], values: state.values(named: InputDecodingState.fieldName(path + [key])))
    }

    func superDecoder() throws -> any Decoder { InputFieldDecoder(state: state, path: path) }
    func superDecoder(forKey key: Key) throws -> any Decoder { InputFieldDecoder(state: state, path: path + [key]) }
}

/// Every value of a repeated field (`tags=a&tags=b`, or `tags[]=…`), in order.
struct InputUnkeyedContainer: UnkeyedDecodingContainer {
    let state: InputDecodingState
    let path: [any CodingKey]
    let values: [FormData.Value]
    var currentIndex = 0

    init(state: InputDecodingState, path: [any CodingKey], values: [FormData.Value]) {
        self.state = state
        self.path = path
        self.values = values
    }

    var codingPath: [any CodingKey] { path }
    var count: Int? { values.count }
    var isAtEnd: Bool { currentIndex >= values.count }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard !isAtEnd else { throw InputPlaceholder() }
        defer { currentIndex += 1 }
        return try InputSingleValueContainer.decode(
            T.self, state: state, path: path + [IndexKey(currentIndex)], value: values[currentIndex])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(InputKeyedContainer<NestedKey>(state: state, path: path))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { self }
    mutating func superDecoder() throws -> any Decoder { InputFieldDecoder(state: state, path: path) }
}

struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { intValue.map(String.init) ?? "" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// Arrays and sets: a required one may be empty (no field sent).
protocol InputCollection {}
extension Array: InputCollection {}
extension Set: InputCollection {}
