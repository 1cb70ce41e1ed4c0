import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loop held by a handler that blocks its thread (a synchronous call that does not return) runs nothing
/// else until it returns: not the timer of `--request-timeout`, not the 504 it answers, not the tasks of the
/// loop's other handlers as their awaits complete. With a time limit configured, the watchdog looks at every
/// loop a few times a second; a loop that has run no jobs since it last looked while jobs wait for it gets a
/// rescue thread that runs those jobs until none are left. (New requests on the loop's connections still
/// wait for it: the hard limit, `--request-terminate-timeout`, replaces such a process.)
extension EventLoop {
    /// Called by the watchdog thread, periodically.
    func rescueIfBlocked() {
        let now = progress.load(ordering: .relaxed)
        let before = progressSeen.exchange(now, ordering: .relaxed)
        guard now == before, remote.withLock({ !$0.jobs.isEmpty }),
            !rescuing.exchange(true, ordering: .acquiringAndReleasing)
        else { return }
        let thread = spawnThread(name: "fcgi-rescue-\(index)") { [self] in
            // Jobs may run on any thread; the loop's own queue stays its own (jobs enqueued here go to the
            // locked queue, taken again below).
            let executor = asUnownedTaskExecutor()
            while true {
                let jobs = remote.withLock { queue -> [UnownedJob] in
                    defer { queue.jobs = [] }
                    return queue.jobs
                }
                if jobs.isEmpty { break }
                for job in jobs { job.runSynchronously(on: executor) }
            }
            rescuing.store(false, ordering: .releasing)
        }
        pthread_detach(thread)
    }

    /// Waits up to `milliseconds` for a rescue thread still running this loop's jobs; whether none runs.
    func waitForRescue(milliseconds: Int) -> Bool {
        for _ in 0..<milliseconds where rescuing.load(ordering: .acquiring) { usleep(1000) }
        return !rescuing.load(ordering: .acquiring)
    }
}
