import Foundation
import RouteHandlersTestHarness
import Testing

/// TFB's updates test.
@Suite struct UpdateTests {
    @Test func updatesAnswersAsManyRowsAsAskedClamped() async throws {
        try await withTechEmpower { server in
            for (value, rows) in rowCountCases {
                let response = try await server.request(path("/updates", "queries", value))
                expectTFBHeaders(response, contentType: "application/json")
                let worlds = try response.worldRows()
                #expect(worlds.count == rows, "queries=\(value ?? "(missing)")")
                #expect(Set(worlds.map(\.id)).count == worlds.count, "each row updated once")
            }
        }
    }

    /// What TFB's verify_updates checks: the table before and after differs in the rows answered, which now
    /// hold the numbers answered, and nowhere else.
    @Test func updatesArePersisted() async throws {
        try await withTechEmpower { server in
            let before = try await server.worldTable()
            let worlds = try await server.request("/updates?queries=20").worldRows()
            let after = try await server.worldTable()
            #expect(worlds.count == 20)
            #expect(after.count == 10_000)
            for world in worlds {
                #expect(after[world.id] == world.randomNumber, "\(world) stored")
                #expect(before[world.id] != world.randomNumber, "\(world) changed")
            }
            let changed = Set(after.keys.filter { before[$0] != after[$0] })
            #expect(changed == Set(worlds.map(\.id)))
        }
    }

    /// Concurrent updates of overlapping rows (20 requests of 100 rows out of 10,000) all succeed.
    @Test func concurrentUpdatesAllSucceed() async throws {
        try await withTechEmpower { server in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                // A generous time each: 2,000 reads and 20 batched writes on a machine that may be busy.
                for _ in 0..<20 {
                    group.addTask { try await Curl.request(server.nginx.baseURL + "/updates?queries=100", seconds: 60).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 20))
        }
    }
}
