import CLinux
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The graceful shutdown, run by a thread of its own rather than by a loop: a loop may be held by a handler
/// that blocks (or never returns, past `--request-terminate-timeout`), and the drain must go on without it.
extension FastCGIServer {
    /// On the drain thread: waits for ``shutdown()``, stops listening, closes idle connections, waits for the
    /// requests in flight (and after() work) up to the shutdown timeout, cuts off what is left, then stops the
    /// loops and waits for their threads.
    func drainOnShutdown(threads: [pthread_t]) {
        let drainSignal = context.drainSignal
        drainSignal.withLock {
            while !context.stopping.load(ordering: .acquiring) { drainSignal.wait() }
        }
        stopListening()
        beginShutdown()
        var deadline = ContinuousClock.now + configuration.shutdownTimeout
        var forced = false
        while openConnections > 0 || context.pendingAfterWork.load(ordering: .acquiring) > 0 {
            if ContinuousClock.now >= deadline {
                if forced { break }
                forced = true
                deadline = .now + .seconds(3)
                forceClose()
            }
            // Woken when a connection closes; after() work is polled.
            drainSignal.withLock {
                if openConnections > 0 { drainSignal.wait(milliseconds: 50) }
            }
            if context.pendingAfterWork.load(ordering: .acquiring) > 0, openConnections == 0 { usleep(10_000) }
        }
        limits.stopWatchdog()
        for loop in loops { loop.requestExit() }
        // A handler stuck on its loop would never let that thread be joined; its descriptors are left open rather
        // than closed under it.
        if !limits.isStuck.load(ordering: .acquiring) {
            for thread in threads { pthread_join(thread, nil) }
            for loop in loops where loop.waitForRescue(milliseconds: 1000) { loop.close() }
        }
        observer?.close()
    }

    /// Connections not yet closed, over every loop.
    var openConnections: Int {
        loops.reduce(0) { count, loop in count + loop.connections.withLock { $0.count } }
    }

    /// Takes the listening socket out of every loop's epoll, then closes it. Done once, here, so that no loop
    /// removes a descriptor number that closing has freed for reuse.
    private func stopListening() {
        // First, so that a pool worker that paused listening does not put the descriptor back after it is closed.
        context.balance?.stop()
        for loop in loops { epoll_ctl(loop.epoll, EPOLL_CTL_DEL, listener.fd, nil) }
        listener.close()
    }

    /// Closes the connections that wait for a request; busy ones close when done. An idle connection whose next
    /// request has already arrived is served, not cut off.
    private func beginShutdown() {
        let open = loops.flatMap { loop in loop.connections.withLock { Array($0.values) } }
        for connection in open { connection.shutDown() }
        logger.info("Shutting down; waiting for \(openConnections) request(s) in flight")
    }

    /// After the shutdown timeout: cancel handlers and cut connections so that blocked reads and writes return.
    private func forceClose() {
        let open = loops.flatMap { loop in loop.connections.withLock { Array($0.values) } }
        logger.warning("Shutdown timeout: cutting off \(open.count) request(s)")
        for connection in open { connection.cancelAndCut() }
    }
}
