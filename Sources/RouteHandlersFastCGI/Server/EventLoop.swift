import CLinux
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One I/O thread: its own epoll instance, the connections it owns, and the Swift tasks of their handlers.
///
/// Every loop's epoll holds the shared listening socket with `EPOLLEXCLUSIVE`, so a new connection wakes one
/// waiting loop; the connection then belongs to one loop for life (the server spreads them, see
/// `FastCGIServer.acceptConnection`). When the connection is readable, the loop
/// reads and checks its records; once a request is whole, the handler's task is enqueued on this same loop (it
/// is the task's executor) and runs after the current batch of events, writing its response inline. A request
/// never crosses threads, so no thread wakes another for it.
///
/// Jobs enqueued from the loop's own thread go to a local queue (no lock, no system call); jobs from other
/// threads (a timer, an actor the handler called, another loop) go to a locked queue, and the loop's eventfd
/// is written only when the loop is (about to be) asleep in `epoll_wait`.
final class EventLoop: TaskExecutor, @unchecked Sendable {
    let index: Int
    let epoll: Int32
    let wakeFD: Int32
    /// The connections this loop owns, by id (their epoll token). Read on every event by the loop; changed
    /// when a connection opens or closes (from whichever thread closes it).
    let connections = Mutex<[UInt64: FastCGIConnection]>([:])

    /// The loop thread's `pthread_t`, 0 before it starts.
    private let owner = Atomic<UInt>(0)
    /// Jobs enqueued from the loop's own thread, run from `localHead` on. Touched only by that thread.
    private var local: [UnownedJob] = []
    private var localHead = 0
    /// Jobs run so far (loop thread only); published to `progress` (a plain store) before each.
    private var jobsRun: UInt64 = 0
    /// Jobs from other threads, and whether the loop has stopped taking them.
    let remote = Mutex<RemoteQueue>(RemoteQueue())
    /// Set while the loop is in (or about to enter) a blocking `epoll_wait`: whoever clears it writes the eventfd.
    private let sleeping = Atomic<Bool>(false)
    private let exitRequested = Atomic<Bool>(false)
    /// Rounds and jobs run: a loop whose count stands still while jobs wait for it is held by a job that blocks.
    let progress = Atomic<UInt64>(0)
    /// `progress` when the watchdog last looked (see `EventLoop+Rescue.swift`).
    let progressSeen = Atomic<UInt64>(0)
    /// A rescue thread runs this loop's waiting jobs.
    let rescuing = Atomic<Bool>(false)

    struct RemoteQueue {
        var jobs: [UnownedJob] = []
        var stopped = false
    }

    /// The epoll token of the eventfd.
    static let wakeToken = UInt64.max - 1
    /// Jobs run between two looks at epoll, so that a task that keeps yielding cannot starve the sockets.
    static let jobBatch = 256

    /// Opens the loop's epoll instance and eventfd; its thread starts with ``run(onEvent:)``.
    init(index: Int) throws(ServerError) {
        self.index = index
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        guard epoll >= 0, wakeFD >= 0 else {
            let error = systemError(.socketFailed, "Cannot create an event loop")
            if epoll >= 0 { _ = Glibc.close(epoll) }
            if wakeFD >= 0 { _ = Glibc.close(wakeFD) }
            throw error
        }
        register(fd: wakeFD, token: Self.wakeToken, events: EPOLLIN.rawValue, add: true)
    }

    /// Closes the epoll instance and eventfd, once the loop's thread has returned.
    func close() {
        _ = Glibc.close(epoll)
        _ = Glibc.close(wakeFD)
    }

    /// Adds `fd` to this loop's epoll (`add`), or changes what it waits for.
    func register(fd: Int32, token: UInt64, events: UInt32, add: Bool) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        epoll_ctl(epoll, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event)
    }

    /// Whether the caller runs on this loop's thread.
    var isCurrent: Bool {
        owner.load(ordering: .relaxed) == pthread_self()
    }

    // MARK: - TaskExecutor

    /// Runs a task's job on this loop: next, after the current batch of events, when enqueued from the loop
    /// itself; otherwise through the locked queue, waking the loop if it sleeps.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if isCurrent {
            local.append(job)
            return
        }
        let accepted = remote.withLock { queue in
            guard !queue.stopped else { return false }
            queue.jobs.append(job)
            return true
        }
        // A loop that has stopped runs nothing more: the job's task is abandoned, as the process is leaving.
        guard accepted else { return }
        if sleeping.load(ordering: .relaxed), sleeping.exchange(false, ordering: .acquiringAndReleasing) {
            wake()
        }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    /// Asks the loop to return from ``run(onEvent:)`` once the jobs already queued have run.
    func requestExit() {
        exitRequested.store(true, ordering: .releasing)
        wake()
    }

    // MARK: - The loop

    /// Runs the loop on the calling thread until ``requestExit()``: waits in epoll, passes every event but its own
    /// wake-ups to `onEvent`, then runs the jobs those events enqueued.
    func run(onEvent: (_ token: UInt64, _ events: UInt32) -> Void, logger: Logger) {
        owner.store(pthread_self(), ordering: .relaxed)
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        var spare: [UnownedJob] = []
        while true {
            runJobs(spare: &spare)
            if exitRequested.load(ordering: .acquiring) { break }
            var timeout: Int32 = 0
            if localHead == local.count {
                // Announce the sleep, then look once more: an enqueuer that missed the flag left its job here.
                sleeping.store(true, ordering: .relaxed)
                if remote.withLock({ $0.jobs.isEmpty }) {
                    timeout = -1
                } else {
                    sleeping.store(false, ordering: .relaxed)
                }
            }
            let count = epoll_wait(epoll, events, Int32(capacity), timeout)
            sleeping.store(false, ordering: .relaxed)
            guard count >= 0 else {
                if errno == EINTR { continue }
                logger.critical("epoll_wait failed: \(String(cString: strerror(errno)))")
                break
            }
            for index in 0..<Int(count) {
                let event = events[index]
                if event.data.u64 == Self.wakeToken {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                } else {
                    onEvent(event.data.u64, event.events)
                }
            }
        }
        // Run what is already queued (a bounded number of rounds: a task may keep yielding), then take no more.
        remote.withLock { $0.stopped = true }
        for _ in 0..<64 where localHead < local.count || !spare.isEmpty || remote.withLock({ !$0.jobs.isEmpty }) {
            runJobs(spare: &spare)
        }
        local = []
        localHead = 0
        owner.store(0, ordering: .relaxed)
    }

    /// Runs up to ``jobBatch`` jobs: those from other threads are moved to the local queue first.
    private func runJobs(spare: inout [UnownedJob]) {
        jobsRun &+= 1
        progress.store(jobsRun, ordering: .relaxed)
        remote.withLock { queue in
            if !queue.jobs.isEmpty { swap(&queue.jobs, &spare) }
        }
        if !spare.isEmpty {
            local.append(contentsOf: spare)
            spare.removeAll(keepingCapacity: true)
        }
        let executor = asUnownedTaskExecutor()
        var ran = 0
        while localHead < local.count, ran < Self.jobBatch {
            // Read, then run: a job may append to `local` while it runs.
            let job = local[localHead]
            localHead += 1
            ran += 1
            jobsRun &+= 1
            progress.store(jobsRun, ordering: .relaxed)
            job.runSynchronously(on: executor)
        }
        if localHead == local.count {
            local.removeAll(keepingCapacity: local.capacity <= 1024)
            localHead = 0
        } else if localHead >= 1024 {
            local.removeFirst(localHead)
            localHead = 0
        }
    }
}
