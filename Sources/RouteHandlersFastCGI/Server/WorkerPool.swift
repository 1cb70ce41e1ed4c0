#if canImport(Glibc)
import Glibc
#endif

/// A fixed set of OS threads that run blocking jobs (reading a request from libfcgi, writing a response) and,
/// as a Swift `TaskExecutor`, the request handlers' tasks.
///
/// Handlers run here rather than on the cooperative pool so that a request costs one thread hop, not three:
/// the thread that reads a request runs its handler next (a per-thread "next job" slot, taken before the shared
/// queue), and a response written from a pool thread is written inline. A handler that awaits holds no thread:
/// its continuation comes back through the queue. libfcgi's blocking calls never run on the cooperative pool.
final class WorkerPool: TaskExecutor, @unchecked Sendable {
    typealias Job = @Sendable () -> Void

    private let lock = ConditionLock()
    private var jobs: [Job?] = []
    private var head = 0
    private var stopping = false
    private var threads: [pthread_t] = []

    /// Per-thread state: which pool the thread belongs to and the job it runs next.
    private final class ThreadState {
        unowned let pool: WorkerPool
        var next: Job?
        init(pool: WorkerPool) { self.pool = pool }
    }

    private static let threadStateKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    init(threadCount: Int, name: String = "fcgi-io") {
        for index in 0..<max(1, threadCount) {
            threads.append(spawnThread(name: "\(name)-\(index)") { [unowned self] in self.runLoop() })
        }
    }

    /// This thread's state, when it is one of this pool's threads.
    private var currentThreadState: ThreadState? {
        guard let raw = pthread_getspecific(Self.threadStateKey) else { return nil }
        let state = Unmanaged<ThreadState>.fromOpaque(raw).takeUnretainedValue()
        return state.pool === self ? state : nil
    }

    /// Queues a job. From one of the pool's own threads, the job runs next on that thread, waking no other.
    func submit(_ job: @escaping Job) {
        if let state = currentThreadState, state.next == nil {
            state.next = job
            return
        }
        lock.withLock {
            jobs.append(job)
            lock.signal()
        }
    }

    /// Runs `body` on a pool thread: inline when already on one, else by hopping there and back, holding none
    /// of the caller's threads while it waits.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        if currentThreadState != nil { return body() }
        return await withUnsafeContinuation { continuation in
            submit { continuation.resume(returning: body()) }
        }
    }

    /// Runs a task's job (TaskExecutor).
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        submit { [unowned self] in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
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
        let state = ThreadState(pool: self)
        pthread_setspecific(Self.threadStateKey, Unmanaged.passUnretained(state).toOpaque())
        defer { pthread_setspecific(Self.threadStateKey, nil) }
        while true {
            if let job = state.next {
                state.next = nil
                job()
            } else if let job = nextJob() {
                job()
            } else {
                return
            }
        }
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
