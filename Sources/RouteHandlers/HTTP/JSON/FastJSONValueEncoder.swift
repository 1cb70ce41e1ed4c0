/// The `Encoder` one value sees, and its single-value container.
///
/// `codingPath` is not tracked (that would cost every value a key): reading it gives up, so code that depends on
/// it is encoded by JSONEncoder. `userInfo` is JSONBody's, empty.
struct FastJSONValueEncoder: Encoder, SingleValueEncodingContainer {
    let encoder: FastJSONEncoder
    let slot: FastJSONEncoder.Ref

    var codingPath: [any CodingKey] {
        encoder.failed = true
        return []
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(FastJSONKeyedContainer<Key>(encoder: encoder, frame: encoder.rootContainer(of: slot, keyed: true)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        FastJSONUnkeyedContainer(encoder: encoder, frame: encoder.rootContainer(of: slot, keyed: false))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        self
    }

    mutating func encodeNil() throws {
        try encoder.beginSingleValue(slot)
        encoder.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try encoder.beginSingleValue(slot)
        encoder.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try encoder.beginSingleValue(slot)
        encoder.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try encoder.beginSingleValue(slot)
        try encoder.writeDouble(value)
    }

    mutating func encode(_ value: Float) throws {
        try encoder.beginSingleValue(slot)
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
        try encoder.beginSingleValue(slot)
        try encoder.encodeValue(value)
    }

    private func encodeInteger(_ value: some FixedWidthInteger) throws {
        try encoder.beginSingleValue(slot)
        encoder.writeInteger(value)
    }
}
