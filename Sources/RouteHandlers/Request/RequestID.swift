import Synchronization

/// Request ids: a random per-process prefix and a counter, unique without a system call per request.
public enum RequestID {
    private static let prefix: String = {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() & 0xFFFF_FFFF
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }()
    private static let counter = Atomic<UInt64>(0)

    /// The next id, such as `3f9a0c1e-2a`.
    public static func next() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        return prefix + "-" + String(count, radix: 16)
    }
}
