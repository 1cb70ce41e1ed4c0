import RouteHandlers

/// GET /db: TFB's single query test, one random World row.
func GET() async throws -> Response {
    .json(try await database.world(id: World.random()))
}
