import RouteHandlers

extension Request {
    /// The number of rows asked for in query parameter `name` (`/queries?queries=N`), clamped as TFB requires:
    /// missing, not an integer, or below 1 is 1; above 500 is 500. A client never gets an error for it.
    func rowCount(_ name: String) -> Int {
        guard let value = url.searchParams.get(name) else { return 1 }
        if let count = Int(value) { return min(max(count, 1), 500) }
        // Digits too many for an Int are still a number above 500.
        return !value.isEmpty && value.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ? 500 : 1
    }
}
