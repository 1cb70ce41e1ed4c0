import RouteHandlers

/// The same helper name as in [id]/route.swift: declarations of route files are private to their file.
struct Payload: Codable, Sendable {
    var name: String
}

let names = ["ada", "grace"]

func GET() -> Response {
    .json(names.map { Payload(name: $0) })
}

func POST(_ request: Request) async throws -> Response {
    let payload = try await request.json(Payload.self)
    return .json(payload, status: .created)
}
