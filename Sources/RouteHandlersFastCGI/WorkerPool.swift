#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A fixed set of OS threads that run blocking jobs: reading a request from libfcgi, writing a response.
/// Handlers never run here; they run as Swift tasks and hop here only to do I/O.
final class WorkerPool: @unchecked Sendable {
    typealias Job = @Sendable () -> Void

    private let lock = ConditionLock()
    private var jobs: [Job?] = []
    private var head = 0
    private var stopping = false
    private var threads: [pthread_t] = []

    init(threadCount: Int, name: String = "fcgi-io") {
        for index in 0..<max(1, threadCount) {
            threads.append(spawnThread(name: "\(name)-\(index)") { [unowned self] in self.runLoop() })
        }
    }

    /// Queues a job; it runs on one of the pool's threads.
    func submit(_ job: @escaping Job) {
        lock.withLock {
            jobs.append(job)
            lock.signal()
        }
    }

    /// Runs `body` on a pool thread and resumes the caller with its result, holding no thread of the caller's
    /// while it waits.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withUnsafeContinuation { continuation in
            submit { continuation.resume(returning: body()) }
        }
    }

    /// Lets queued jobs finish, then stops and joins every thread.
    func shutdown() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
        for thread in threads { pthread_join(thread, nil) }
        threads.removeAll()
    }

    private func runLoop() {
        while let job = nextJob() { job() }
    }

    private func nextJob() -> Job? {
        lock.withLock {
            while head == jobs.count {
                if stopping { return nil }
                lock.wait()
            }
            let job = jobs[head]
            jobs[head] = nil  // release what the job captured (a request, a response) right away
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024, head * 2 >= jobs.count {
                // Compact now and then rather than removing from the front on every pop.
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }
}
