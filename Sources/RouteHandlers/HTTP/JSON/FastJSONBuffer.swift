/// A growable byte buffer written through a raw pointer: appending a byte is a store and a capacity check, without
/// the uniqueness checks and generic paths of `[UInt8].append`. Its owner (``FastJSONEncoder``) frees it.
struct FastJSONBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    func free() {
        base.deallocate()
    }

    /// The bytes written, as the array a response body holds.
    var array: [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// The bytes in `range`, valid until the next write.
    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    subscript(index: Int) -> UInt8 {
        base[index]
    }

    /// Forgets what was written, keeping the memory.
    mutating func removeAll() {
        count = 0
    }

    /// Gives back memory beyond `limit` bytes (after a large body).
    mutating func trim(keepingAtMost limit: Int) {
        guard capacity > limit else { return }
        base.deallocate()
        count = 0
        capacity = limit
        base = .allocate(capacity: limit)
    }

    /// Makes room for `extra` more bytes, for callers that then write through ``base`` and ``advance(by:)``.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    /// Counts `written` bytes stored through ``base`` after ``reserve(_:)``.
    @inline(__always)
    mutating func advance(by written: Int) {
        count += written
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ first: UInt8, _ second: UInt8) {
        if count + 2 > capacity { grow(to: count + 2) }
        base[count] = first
        base[count + 1] = second
        count += 2
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ string: StaticString) {
        append(UnsafeBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }

    /// Appends a copy of bytes already written, in `range`.
    mutating func append(copying range: Range<Int>) {
        precondition(range.upperBound <= count)
        if count + range.count > capacity { grow(to: count + range.count) }
        UnsafeMutableRawPointer(base + count).copyMemory(from: base + range.lowerBound, byteCount: range.count)
        count += range.count
    }

    /// Moves the bytes from `offset` to the end down to `destination`, dropping what was between.
    mutating func moveTail(from offset: Int, to destination: Int) {
        precondition(destination <= offset && offset <= count)
        UnsafeMutableRawPointer(base + destination).copyMemory(from: base + offset, byteCount: count - offset)
        count -= offset - destination
    }

    private mutating func grow(to minimum: Int) {
        let newCapacity = max(minimum, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
