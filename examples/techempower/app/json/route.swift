import RouteHandlers

/// GET /json: TFB's JSON serialization test, an object serialized for each request.
func GET() -> Response {
    .json(Message(message: "Hello, World!"))
}

struct Message: Encodable, Sendable {
    var message: String
}
