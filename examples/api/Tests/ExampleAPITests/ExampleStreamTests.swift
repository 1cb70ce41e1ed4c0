import Foundation
import RouteHandlersTestHarness
import Testing

/// GET /api/stream of the example: five NDJSON lines that reach the client one by one, through nginx.
@Suite("Example API: stream", .timeLimit(.minutes(2)))
struct ExampleStreamTests {
    @Test func eachLineArrivesAsItIsWritten() async throws {
        try await withExampleAPI { api in
            let timed = try await timedGet(port: api.nginx.port, path: "/api/stream")
            let response = try timed.response()
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/x-ndjson")
            let lines = response.text.split(separator: "\n").map(String.init)
            #expect(lines.count == 5, "\(response.text)")
            for (offset, line) in lines.enumerated() {
                let index = offset + 1
                #expect(line == #"{"index":\#(index),"square":\#(index * index),"total":5}"#)
            }
            // The first line is there well before the last is written (400 ms later), and the lines are spread
            // out in time: a buffered response would deliver them all at once.
            let arrivals = (1...5).compactMap { timed.arrival(of: #""index":\#($0),"#) }
            #expect(arrivals.count == 5)
            if let first = arrivals.first, let last = arrivals.last {
                #expect(last - first >= 0.3, "arrivals: \(arrivals)")
            }
            #expect(Set(arrivals.map { ($0 * 20).rounded() }).count >= 4, "arrivals: \(arrivals)")
        }
    }

    @Test func curlSeesTheWholeStream() async throws {
        try await withExampleAPI { api in
            let response = try await api.request("/api/stream")
            #expect(response.status == 200)
            #expect(response.text.split(separator: "\n").count == 5)
            #expect(response.text.hasSuffix("\n"))
        }
    }
}
