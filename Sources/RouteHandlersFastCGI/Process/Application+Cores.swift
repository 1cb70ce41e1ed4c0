#if canImport(Glibc)
import Glibc
#endif

extension Application {
    /// Names a worker's share of the cores in its environment (set by its master).
    static let coresVariable = "ROUTE_HANDLERS_WORKER_CORES"

    /// The cores this process should size its own thread pools by, such as a database client's event loops:
    /// under a pool's master (`--processes N`), its share of the machine (the cores ÷ N, at least 1), which its
    /// FastCGI server runs as many event loops as; otherwise every core.
    ///
    /// N workers that each size a pool by every core run N threads per core, which measured a quarter slower for
    /// a PostgreSQL route (Benchmarks/techempower/NOTES.md):
    ///
    /// ```swift
    /// let group = MultiThreadedEventLoopGroup(numberOfThreads: Application.cores)
    /// let client = PostgresClient(configuration: configuration, eventLoopGroup: group)
    /// ```
    public static var cores: Int {
        if let share = getenv(coresVariable).flatMap({ Int(String(cString: $0)) }), share > 0 { return share }
        return Int(ProcessorCount.online)
    }
}
