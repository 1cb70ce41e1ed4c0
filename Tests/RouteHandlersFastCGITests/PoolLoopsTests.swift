import Foundation
import RouteHandlersFastCGI
import RouteHandlersTestHarness
import Testing

/// A pool's workers share the cores out (one loop each on a machine with as many cores as workers) unless
/// `--io-threads` says otherwise, and share the connections out (PoolBalance).
@Suite("Pool event loops and connections", .serialized, .timeLimit(.minutes(2)))
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
            // What Application.cores reads there, for the app's own thread pools.
            let environment = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(worker)/environ"))) ?? Data()
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let share = FastCGIServerConfiguration.loopsPerWorker(processes: 2)
            #expect(variables.filter { $0.hasPrefix("ROUTE_HANDLERS_WORKER_CORES=") } == ["ROUTE_HANDLERS_WORKER_CORES=\(share)"])
        }
    }

    @Test func connectionsOpenedInABurstAreSharedOutAndEveryOneIsServed() async throws {
        let app = try await SupervisedFixture.start(["--processes", "2"], nginx: false)
        defer { app.stop() }
        let workers = Array(app.workers)
        // Both serving (a worker that has not started yet takes no share).
        for worker in workers { #expect(await eventually(seconds: 10, { Self.loops(of: worker) > 0 })) }
        let before = workers.map(Self.sockets(of:))
        let count = 64
        // As nginx fills its keep-alive pool: all at once, then one request each, kept open.
        let statuses = try await offload { [socket = app.socket] in
            let connections = try (0..<count).map { _ in try RawFastCGIConnection(unixPath: socket) }
            let statuses = try connections.map { try $0.exchange(FCGI.request("GET", "/api/version", keepConnection: true)).status }
            let held = workers.map(Self.sockets(of:))
            _ = connections.count
            return (statuses, held)
        }
        #expect(statuses.0 == Array(repeating: 200, count: count))
        let added = zip(statuses.1, before).map { $0 - $1 }
        #expect(added.reduce(0, +) == count, "\(added)")
        // A share of 32, and an eighth over it before a worker stops listening; a few more accepted meanwhile.
        for held in added { #expect(held <= 40, "connections per worker: \(added)") }
    }

    /// The worker's open sockets.
    private static func sockets(of pid: pid_t) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        return fds.filter { fd in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"))?.hasPrefix("socket:") == true
        }.count
    }

    /// The worker's threads named by the server's event loops (`fcgi-loop-N`).
    private static func loops(of pid: pid_t) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.filter { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? "").hasPrefix("fcgi-loop-")
        }.count
    }
}
