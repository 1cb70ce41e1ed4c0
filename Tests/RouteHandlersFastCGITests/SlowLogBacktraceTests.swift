import Foundation
import RouteHandlersTestHarness
import Testing

@testable import RouteHandlersFastCGI

#if canImport(Glibc)
import Glibc
#endif

/// The slow log shows where a slow request is: the stack of the thread running it, symbolicated.
@Suite("Slow log backtraces", .timeLimit(.minutes(1)))
struct SlowLogBacktraceTests {
    @Test func aSpinningHandlerIsLoggedWithItsStack() async throws {
        let logs = try TemporaryDirectory()
        let slowLog = logs.file("slow.log")
        let app = try await SupervisedFixture.start(["--slowlog", slowLog, "--slowlog-timeout", "300ms"], nginx: false, deployable: false)
        defer { app.stop() }
        let answer = try await CGIFCGI.request(socket: app.socket, params: CGIFCGI.params("GET", "/api/spin?ms=1500"))
        #expect(answer.status == 200)
        // The request is answered anyway: the capture does not disturb the handler.
        #expect(answer.text.contains("spun"))
        #expect(await eventually { ((try? String(contentsOfFile: slowLog, encoding: .utf8)) ?? "").contains("#0 ") })
        let entry = try String(contentsOfFile: slowLog, encoding: .utf8)
        #expect(entry.contains("GET /api/spin?ms=1500 route /api/spin running for"), "\(entry)")
        // The handler's own function, demangled, among the frames.
        #expect(entry.contains("spinForSlowLog(milliseconds: Swift.Int) -> Swift.Int"), "\(entry)")
    }

    @Test func swiftNamesAreDemangled() {
        #expect(ThreadBacktrace.demangle("$sSi") == "Swift.Int")
        #expect(ThreadBacktrace.demangle("main") == nil)
        #expect(ThreadBacktrace.demangled("/bin/app($sSi+0x10) [0x1]") == "/bin/app(Swift.Int +0x10) [0x1]")
        #expect(ThreadBacktrace.demangled("/lib/libc.so.6(+0x29d90) [0x7f]") == "/lib/libc.so.6(+0x29d90) [0x7f]")
    }
}
