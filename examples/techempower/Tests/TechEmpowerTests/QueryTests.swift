import Foundation
import RouteHandlersTestHarness
import Testing

/// TFB's db, queries and cached-queries tests.
@Suite struct QueryTests {
    @Test func dbIsOneWorldObject() async throws {
        try await withTechEmpower { server in
            let response = try await server.request("/db")
            expectTFBHeaders(response, contentType: "application/json")
            let row = try response.worldRow()
            // It is the row as stored.
            let table = try await server.worldTable()
            #expect(table[row.id] == row.randomNumber)
        }
    }

    @Test func queriesAnswersAsManyRowsAsAskedClamped() async throws {
        try await withTechEmpower { server in
            let table = try await server.worldTable()
            for (value, rows) in rowCountCases {
                let response = try await server.request(path("/queries", "queries", value))
                expectTFBHeaders(response, contentType: "application/json")
                let worlds = try response.worldRows()
                #expect(worlds.count == rows, "queries=\(value ?? "(missing)")")
                #expect(worlds.allSatisfy { table[$0.id] == $0.randomNumber }, "queries=\(value ?? "(missing)")")
            }
        }
    }

    @Test func cachedQueriesAnswersAsManyRowsAsAskedClamped() async throws {
        try await withTechEmpower { server in
            let table = try await server.worldTable()
            for (value, rows) in rowCountCases {
                let response = try await server.request(path("/cached-queries", "count", value))
                expectTFBHeaders(response, contentType: "application/json")
                let worlds = try response.worldRows()
                #expect(worlds.count == rows, "count=\(value ?? "(missing)")")
                // Nothing updated the table: the cache holds what it holds.
                #expect(worlds.allSatisfy { table[$0.id] == $0.randomNumber }, "count=\(value ?? "(missing)")")
            }
        }
    }

    /// Random rows: 500 of them cover many different ids (all the same would mean one id for every query).
    @Test func rowsAreRandom() async throws {
        try await withTechEmpower { server in
            let queried = try await server.request("/queries?queries=500").worldRows()
            let cached = try await server.request("/cached-queries?count=500").worldRows()
            #expect(Set(queried.map(\.id)).count > 100)
            #expect(Set(cached.map(\.id)).count > 100)
        }
    }

    /// An empty database gets TFB's tables and data, once, though two workers start on it at the same moment.
    @Test func emptyDatabaseGetsTFBsTables() async throws {
        try await withTechEmpower(processes: 2) { server in
            // Both workers have set up by now, whichever answered.
            for _ in 0..<8 { #expect(try await server.request("/db").status == 200) }
            for table in ["world", "\"World\""] {
                #expect(try await server.sql("SELECT count(*), min(id), max(id) FROM \(table)") == [["10000", "1", "10000"]], "\(table)")
                let outOfRange = try await server.sql("SELECT count(*) FROM \(table) WHERE randomnumber NOT BETWEEN 1 AND 10000")
                #expect(outOfRange == [["0"]], "\(table)")
            }
            for table in ["fortune", "\"Fortune\""] {
                #expect(try await server.sql("SELECT count(*) FROM \(table)") == [["12"]], "\(table)")
                #expect(try await server.sql("SELECT message FROM \(table) WHERE id = 12") == [["フレームワークのベンチマーク"]], "\(table)")
            }
        }
    }
}
