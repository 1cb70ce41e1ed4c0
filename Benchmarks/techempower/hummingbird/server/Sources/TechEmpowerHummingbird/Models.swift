import Hummingbird

struct Message: ResponseEncodable {
    let message: String
}

struct World: ResponseEncodable {
    var id: Int32
    var randomNumber: Int32

    /// TFB's ids and random numbers are 1...10000.
    static func random() -> Int32 { Int32.random(in: 1...10_000) }
}

struct Fortune: Sendable {
    var id: Int32
    var message: String
}

extension Request {
    /// TFB's row count: missing, not an integer or below 1 is 1; above 500 is 500.
    func rowCount(_ name: String) -> Int {
        min(max(uri.queryParameters.get(name, as: Int.self) ?? 1, 1), 500)
    }
}
