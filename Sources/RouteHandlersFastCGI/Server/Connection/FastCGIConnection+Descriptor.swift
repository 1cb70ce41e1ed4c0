import CLinux

#if canImport(Glibc)
import Glibc
#endif

extension FastCGIConnection {
    /// Closes the descriptor once the state machine has closed the connection, or arms epoll for what it waits
    /// for. Returns whether it closed it (the caller then calls ``forget()``, outside the lock). Lock held.
    func settleDescriptor() -> Bool {
        guard !descriptorClosed else { return false }
        var events: UInt32 = writableWaiter == nil ? 0 : EPOLLOUT.rawValue
        switch machine.interest {
        case .input: events |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        case .hangUpOnly: events |= EPOLLRDHUP.rawValue
        case .nothing: break
        }
        // Edge-triggered and kept armed: a registration with the same events needs no system call (the common
        // case: busy and idle both wait for input, so a request costs no epoll_ctl). Waiting for nothing leaves
        // the registration as it is; the state machine ignores what it reports meanwhile.
        if events != 0, armedEvents != events {
            loop.register(fd: fd, token: id, events: events | EPOLLET.rawValue, add: false)
            armedEvents = events
        }
        guard machine.state == .closed else { return false }
        // No EPOLL_CTL_DEL: closing the only descriptor of the socket (accepted with CLOEXEC, never duplicated)
        // removes it from the epoll set, one system call fewer per connection. Should a child being spawned
        // still hold it for an instant, what epoll reports carries this connection's id, which no longer maps
        // to a connection, and is ignored.
        _ = Glibc.close(fd)
        descriptorClosed = true
        return true
    }
}
