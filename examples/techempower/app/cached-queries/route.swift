import RouteHandlers

/// GET /cached-queries?count=N: TFB's cached queries test, N random World rows from the process's cache (N
/// clamped to 1...500).
func GET(_ request: Request) async throws -> Response {
    let worlds = try await database.cachedWorlds()
    return .json((0..<request.rowCount("count")).compactMap { _ in worlds.randomElement() })
}
