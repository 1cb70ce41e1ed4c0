/// A JSON array being written, element after element.
struct FastJSONUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: FastJSONEncoder
    let frame: FastJSONEncoder.Ref

    /// Not tracked: reading it gives up (see ``FastJSONValueEncoder``).
    var codingPath: [any CodingKey] {
        encoder.failed = true
        return []
    }

    var count: Int { encoder.count(of: frame) }

    private func begin() throws {
        try encoder.beginMember(of: frame, key: nil)
    }

    mutating func encodeNil() throws {
        try begin()
        encoder.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try begin()
        encoder.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try begin()
        encoder.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try begin()
        try encoder.writeDouble(value)
    }

    mutating func encode(_ value: Float) throws {
        try begin()
        try encoder.writeFloat(value)
    }

    mutating func encode(_ value: Int) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int8) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int16) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int32) throws { try encodeInteger(value) }
    mutating func encode(_ value: Int64) throws { try encodeInteger(value) }
    @available(macOS 15.0, *)
    mutating func encode(_ value: Int128) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try encodeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try encodeInteger(value) }
    @available(macOS 15.0, *)
    mutating func encode(_ value: UInt128) throws { try encodeInteger(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        try encoder.encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(FastJSONKeyedContainer<NestedKey>(encoder: encoder, frame: nested(keyed: true)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        FastJSONUnkeyedContainer(encoder: encoder, frame: nested(keyed: false))
    }

    /// Unsupported: JSONEncoder inserts a super encoder's value when the encoder is released.
    mutating func superEncoder() -> any Encoder {
        encoder.failed = true
        return FastJSONValueEncoder(encoder: encoder, slot: .dead)
    }

    private func encodeInteger(_ value: some FixedWidthInteger) throws {
        try begin()
        encoder.writeInteger(value)
    }

    private func nested(keyed: Bool) -> FastJSONEncoder.Ref {
        do {
            try begin()
            return try encoder.openContainer(keyed: keyed)
        } catch {
            encoder.failed = true
            return .dead
        }
    }
}
