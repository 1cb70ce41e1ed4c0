/// A JSON array being written, element after element.
struct FastJSONUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: FastJSONEncoder
    let frame: FastJSONState.Ref

    /// Not tracked: reading it gives up (see ``FastJSONValueEncoder``).
    var codingPath: [any CodingKey] {
        encoder.giveUp()
        return []
    }

    var count: Int { encoder.state.pointee.count(of: frame) }

    private func begin() throws {
        try encoder.state.pointee.beginMember(of: frame, key: nil)
    }

    mutating func encodeNil() throws {
        try begin()
        encoder.state.pointee.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try begin()
        encoder.state.pointee.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try begin()
        encoder.state.pointee.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try begin()
        try encoder.state.pointee.writeDouble(value)
    }

    mutating func encode(_ value: Float) throws {
        try begin()
        try encoder.state.pointee.writeFloat(value)
    }

    mutating func encode(_ value: Int) throws { try encode(signed: Int64(value)) }
    mutating func encode(_ value: Int8) throws { try encode(signed: Int64(value)) }
    mutating func encode(_ value: Int16) throws { try encode(signed: Int64(value)) }
    mutating func encode(_ value: Int32) throws { try encode(signed: Int64(value)) }
    mutating func encode(_ value: Int64) throws { try encode(signed: value) }
    mutating func encode(_ value: UInt) throws { try encode(unsigned: UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try encode(unsigned: UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(unsigned: UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(unsigned: UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try encode(unsigned: value) }

    @available(macOS 15.0, *)
    mutating func encode(_ value: Int128) throws {
        try begin()
        encoder.state.pointee.writeInteger(describing: value)
    }

    @available(macOS 15.0, *)
    mutating func encode(_ value: UInt128) throws {
        try begin()
        encoder.state.pointee.writeInteger(describing: value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        try encoder.encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = encoder.state.pointee.nestedContainer(in: frame, key: nil, keyed: true)
        return KeyedEncodingContainer(FastJSONKeyedContainer<NestedKey>(encoder: encoder, frame: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        FastJSONUnkeyedContainer(encoder: encoder, frame: encoder.state.pointee.nestedContainer(in: frame, key: nil, keyed: false))
    }

    /// Unsupported: JSONEncoder inserts a super encoder's value when the encoder is released.
    mutating func superEncoder() -> any Encoder {
        encoder.giveUp()
        return FastJSONValueEncoder(encoder: encoder, slot: FastJSONState.deadSlot)
    }

    private func encode(signed value: Int64) throws {
        try begin()
        encoder.state.pointee.writeInteger(value)
    }

    private func encode(unsigned value: UInt64) throws {
        try begin()
        encoder.state.pointee.writeInteger(value)
    }
}
