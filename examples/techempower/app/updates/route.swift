import RouteHandlers

/// GET /updates?queries=N: TFB's updates test. N random World rows, read one query each, each given a new random
/// number and stored, then answered as stored (N clamped to 1...500).
func GET(_ request: Request) async throws -> Response {
    let worlds = try await database.updating(ids: distinctIDs(request.rowCount("queries"))) { worlds in
        for index in worlds.indices {
            // A new number that differs from the old one, so that every row read is a row changed.
            var number = World.random()
            while number == worlds[index].randomNumber { number = World.random() }
            worlds[index].randomNumber = number
        }
    }
    return .json(worlds)
}

/// `count` different random ids: two updates of one row in one statement would leave only one of them stored.
private func distinctIDs(_ count: Int) -> [Int32] {
    var ids = Set<Int32>(minimumCapacity: count)
    while ids.count < count { ids.insert(World.random()) }
    return Array(ids)
}
