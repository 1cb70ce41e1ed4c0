/// A JSON object being written; its members are put in key order when it closes.
struct FastJSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: FastJSONEncoder
    let frame: FastJSONEncoder.Ref

    /// Not tracked: reading it gives up (see ``FastJSONValueEncoder``).
    var codingPath: [any CodingKey] {
        encoder.failed = true
        return []
    }

    private func begin(_ key: Key) throws {
        try encoder.beginMember(of: frame, key: key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try begin(key)
        encoder.writeNull()
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try begin(key)
        encoder.writeBool(value)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        try begin(key)
        encoder.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        try begin(key)
        try encoder.writeDouble(value)
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        try begin(key)
        try encoder.writeFloat(value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws { try encodeInteger(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encodeInteger(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encodeInteger(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encodeInteger(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try encodeInteger(value, key) }
    @available(macOS 15.0, *)
    mutating func encode(_ value: Int128, forKey key: Key) throws { try encodeInteger(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try encodeInteger(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encodeInteger(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encodeInteger(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encodeInteger(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try encodeInteger(value, key) }
    @available(macOS 15.0, *)
    mutating func encode(_ value: UInt128, forKey key: Key) throws { try encodeInteger(value, key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try encoder.encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(FastJSONKeyedContainer<NestedKey>(encoder: encoder, frame: nested(key, keyed: true)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        FastJSONUnkeyedContainer(encoder: encoder, frame: nested(key, keyed: false))
    }

    /// Unsupported: JSONEncoder writes a super encoder's value when the encoder is released.
    mutating func superEncoder() -> any Encoder {
        encoder.failed = true
        return FastJSONValueEncoder(encoder: encoder, slot: .dead)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder()
    }

    private func encodeInteger(_ value: some FixedWidthInteger, _ key: Key) throws {
        try begin(key)
        encoder.writeInteger(value)
    }

    private func nested(_ key: Key, keyed: Bool) -> FastJSONEncoder.Ref {
        do {
            try begin(key)
            return try encoder.openContainer(keyed: keyed)
        } catch {
            encoder.failed = true
            return .dead
        }
    }
}
