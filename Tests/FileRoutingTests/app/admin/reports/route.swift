import RouteHandlers

let maxDuration = 1
let bodyLimit = "1k"

func GET(_ request: Request) async throws -> Response {
    if let ms = request.url.searchParams.get("sleep").flatMap(Int.init) {
        try await Task.sleep(for: .milliseconds(ms))
    }
    return .text("reports")
}

func POST(_ request: Request) async throws -> Response {
    .text("\(try await request.bytes().count)")
}
