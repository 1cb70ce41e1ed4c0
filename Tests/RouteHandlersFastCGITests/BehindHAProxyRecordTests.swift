import Foundation
import RouteHandlersTestHarness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// HAProxy's FastCGI options that the record layer answers (conformance issue items 2 and 3): with
/// `option get-values` HAProxy asks `FCGI_GET_VALUES` first (every request used to hang), with `option mpxs-conns`
/// it would multiplex (requests used to be lost). `FCGI_MPXS_CONNS=0` tells it not to; either way every request is
/// answered.
@Suite("Behind HAProxy with get-values and mpxs-conns", .timeLimit(.minutes(2)))
struct BehindHAProxyRecordTests {
    @Test func everyRequestIsAnswered() async throws {
        let fixture = try await SupervisedFixture.start(
            environment: ["LOG_LEVEL": "debug", "PATH": "/usr/bin:/bin"], nginx: false, deployable: false)
        defer { fixture.stop() }
        let app = fixture.app
        let haproxy = try await OtherWebServer.start(.haproxy, directory: fixture.directory.path, socket: fixture.socket) { config in
            config.replacingOccurrences(
                of: "    option keep-conn\n",
                with: "    option keep-conn\n    option get-values\n    option mpxs-conns\n    option max-reqs 10\n")
        }
        defer { haproxy.stop() }

        let single = try await haproxy.request("/api/hello")
        #expect(single.status == 200)
        #expect(single.text == #"{"message":"Hello, World!"}"#)

        // 200 requests, 50 at a time.
        let arguments =
            ["-s", "--parallel", "--parallel-max", "50", "--max-time", "30", "-w", "%{http_code}\\n"]
            + (0..<200).flatMap { index in ["-o", "/dev/null", haproxy.baseURL + "/api/sleep?ms=\(index % 5 * 10)"] }
        let result = try await runCommand("/usr/bin/curl", arguments, seconds: 60)
        let codes = String(decoding: result.output, as: UTF8.self).split(separator: "\n")
        #expect(codes.count == 200)
        #expect(codes.allSatisfy { $0 == "200" }, "\(Dictionary(grouping: codes, by: { $0 }).mapValues(\.count))")
        // HAProxy asked, and was told not to multiplex.
        #expect(app.errorOutput.contains("Answered FCGI_GET_VALUES"), "\(app.errorOutput.suffix(2000))")
    }
}
