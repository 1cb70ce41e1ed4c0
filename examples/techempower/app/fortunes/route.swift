import RouteHandlers

/// GET /fortunes: TFB's fortunes test. Every Fortune row and one added at request time, sorted by message,
/// rendered as TFB's HTML table with each message escaped.
func GET() async throws -> Response {
    var fortunes = try await database.fortunes()
    fortunes.append(Fortune(id: 0, message: "Additional fortune added at request time."))
    fortunes.sort { $0.message < $1.message }
    return Response(headers: ["Content-Type": "text/html; charset=utf-8"], body: ResponseBody(FortunesPage.render(fortunes)))
}
