/// A JSON object being written; its members are put in key order when it closes.
struct FastJSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: FastJSONEncoder
    let frame: FastJSONState.Ref

    /// Not tracked: reading it gives up (see ``FastJSONValueEncoder``).
    var codingPath: [any CodingKey] {
        encoder.giveUp()
        return []
    }

    private func begin(_ key: Key) throws {
        let name = key.stringValue
        try encoder.state.pointee.beginMember(of: frame, key: name)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try begin(key)
        encoder.state.pointee.writeNull()
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try begin(key)
        encoder.state.pointee.writeBool(value)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        try begin(key)
        encoder.state.pointee.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        try begin(key)
        try encoder.state.pointee.writeDouble(value)
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        try begin(key)
        try encoder.state.pointee.writeFloat(value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws { try encode(signed: Int64(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encode(signed: Int64(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encode(signed: Int64(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encode(signed: Int64(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try encode(signed: value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try encode(unsigned: UInt64(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encode(unsigned: UInt64(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encode(unsigned: UInt64(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encode(unsigned: UInt64(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try encode(unsigned: value, key) }

    @available(macOS 15.0, *)
    mutating func encode(_ value: Int128, forKey key: Key) throws {
        try begin(key)
        encoder.state.pointee.writeInteger(describing: value)
    }

    @available(macOS 15.0, *)
    mutating func encode(_ value: UInt128, forKey key: Key) throws {
        try begin(key)
        encoder.state.pointee.writeInteger(describing: value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try encoder.encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let name = key.stringValue
        let nested = encoder.state.pointee.nestedContainer(in: frame, key: name, keyed: true)
        return KeyedEncodingContainer(FastJSONKeyedContainer<NestedKey>(encoder: encoder, frame: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let name = key.stringValue
        return FastJSONUnkeyedContainer(encoder: encoder, frame: encoder.state.pointee.nestedContainer(in: frame, key: name, keyed: false))
    }

    /// Unsupported: JSONEncoder writes a super encoder's value when the encoder is released.
    mutating func superEncoder() -> any Encoder {
        encoder.giveUp()
        return FastJSONValueEncoder(encoder: encoder, slot: FastJSONState.deadSlot)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder()
    }

    private func encode(signed value: Int64, _ key: Key) throws {
        try begin(key)
        encoder.state.pointee.writeInteger(value)
    }

    private func encode(unsigned value: UInt64, _ key: Key) throws {
        try begin(key)
        encoder.state.pointee.writeInteger(value)
    }
}
