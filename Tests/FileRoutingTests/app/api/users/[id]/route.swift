import RouteHandlers

struct Payload: Codable, Sendable {
    var id: String
}

func GET(_ request: Request, _ context: Context) -> Response {
    // `context.params.id` is a String, checked by the compiler.
    let id: String = context.params.id
    return .json(Payload(id: id))
}

func DELETE(_ request: Request, _ context: Context) async throws -> Response {
    guard context.params.id != "0" else { throw HTTPError(.notFound, "No user 0.") }
    return .empty()
}
