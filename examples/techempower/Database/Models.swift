/// A row of TFB's `World` table: 10,000 rows, ids 1...10,000, each with a random number in 1...10,000.
struct World: Codable, Sendable, Equatable {
    var id: Int32
    var randomNumber: Int32

    /// The ids and random numbers TFB's data uses.
    static let range: ClosedRange<Int32> = 1...10_000

    /// A random id (or random number) in ``range``.
    static func random() -> Int32 {
        Int32.random(in: range)
    }
}

/// A row of TFB's `Fortune` table.
struct Fortune: Sendable, Equatable {
    var id: Int32
    var message: String
}
