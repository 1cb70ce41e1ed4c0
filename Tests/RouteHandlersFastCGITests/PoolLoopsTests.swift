import Foundation
import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Testing

/// A pool's workers share the cores out (one loop each on a machine with as many cores as workers) unless
/// `--io-threads` says otherwise.
@Suite("Pool event loops", .serialized, .timeLimit(.minutes(2)))
struct PoolLoopsTests {
    @Test func theCoresAreSharedOutAtLeastOneLoopEach() {
        #expect(FastCGIServerConfiguration.loopsPerWorker(processes: 2, cores: 2) == 1)
        #expect(FastCGIServerConfiguration.loopsPerWorker(processes: 1, cores: 2) == 2)
        #expect(FastCGIServerConfiguration.loopsPerWorker(processes: 3, cores: 8) == 3)
        #expect(FastCGIServerConfiguration.loopsPerWorker(processes: 32, cores: 2) == 1)
        #expect(FastCGIServerConfiguration.loopsPerWorker(processes: 0, cores: 0) == 1)
    }

    @Test(arguments: [nil, "3"])
    func eachWorkerRunsItsShareUnlessIOThreadsIsGiven(ioThreads: String?) async throws {
        let app = try await SupervisedFixture.start(["--processes", "2"] + (ioThreads.map { ["--io-threads", $0] } ?? []), nginx: false)
        defer { app.stop() }
        let expected = ioThreads.flatMap(Int.init) ?? FastCGIServerConfiguration.loopsPerWorker(processes: 2)
        #expect(app.workers.count == 2)
        for worker in app.workers {
            #expect(
                await eventually(seconds: 10, { Self.loops(of: worker) == expected }), "worker \(worker): \(Self.loops(of: worker)) loops")
        }
    }

    /// The worker's threads named by the server's event loops (`fcgi-loop-N`).
    private static func loops(of pid: pid_t) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.filter { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? "").hasPrefix("fcgi-loop-")
        }.count
    }
}
