import RouteHandlers

/// GET /queries?queries=N: TFB's multiple queries test, N random World rows, one query each (N clamped to
/// 1...500, see ``Request/rowCount(_:)``).
func GET(_ request: Request) async throws -> Response {
    let ids = (0..<request.rowCount("queries")).map { _ in World.random() }
    return .json(try await database.worlds(ids: ids))
}
