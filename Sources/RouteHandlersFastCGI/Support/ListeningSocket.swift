import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket the server opened itself (never `FCGX_OpenSocket`, which exits the process on failure,
/// unlinks whatever is at the path and ignores permissions) or inherited.
struct ListeningSocket: Sendable {
    let fd: Int32
    let address: ListenAddress
    /// The socket file this process created, removed again at shutdown.
    let ownedPath: String?

    /// Permissions and ownership for a unix socket, as PHP-FPM's `listen.mode`, `listen.owner`, `listen.group`.
    struct UnixOptions: Sendable {
        var mode: mode_t = 0o660
        var owner: String?
        var group: String?
    }

    static func open(_ address: ListenAddress, unix options: UnixOptions = .init(), backlog: Int32 = 1024) throws(ServerError)
        -> ListeningSocket
    {
        switch address {
        case .unix(let path):
            return try openUnix(path: path, options: options, backlog: backlog)
        case .tcp(let host, let port):
            return try openTCP(host: host, port: port, backlog: backlog)
        case .inherited(let fd):
            guard isListeningSocket(fd) else {
                throw ServerError(.notAListeningSocket, "File descriptor \(fd) is not a listening socket.")
            }
            try setNonBlocking(fd)
            return ListeningSocket(fd: fd, address: address, ownedPath: nil)
        }
    }

    /// Whether the socket is IPv4 or IPv6, read from the socket itself: an inherited descriptor (`fd:0` from
    /// spawn-fcgi or a master, systemd's fd 3) is as much a TCP socket as one bound here.
    var isTCP: Bool {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return result == 0 && (Int32(storage.ss_family) == AF_INET || Int32(storage.ss_family) == AF_INET6)
    }

    /// Whether `fd` is a socket in the listening state (what spawn-fcgi leaves on fd 0).
    static func isListeningSocket(_ fd: Int32) -> Bool {
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting != 0
    }

    /// Stops listening; removes the socket file if this process created it.
    func close() {
        if let ownedPath { unlink(ownedPath) }
        _ = Glibc.close(fd)
    }

    private static func openUnix(path: String, options: UnixOptions, backlog: Int32) throws(ServerError) -> ListeningSocket {
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        guard path.utf8.count < capacity else {
            throw ServerError(.invalidOption, "Socket path \(path) is longer than the \(capacity - 1) bytes a unix socket allows.")
        }
        try removeStaleSocket(at: path, address: unixAddress(path))
        // Bound and listening under a name of its own first, then linked to `path`: the socket appears only once
        // it accepts, so a web server started at the same time never meets a socket that refuses (bind creates
        // the file before listen), and link, unlike rename, fails if another server took the path meanwhile.
        // A path too long for the extra suffix is bound directly.
        let staging = path + ".\(getpid()).new"
        let bindPath = staging.utf8.count < capacity ? staging : path
        if bindPath != path { unlink(bindPath) }

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw systemError(.socketFailed, "Cannot create a unix socket") }
        // Create the file with no access for others, then open it up to the configured mode: no window in
        // which the socket is wider open than asked.
        var address = unixAddress(bindPath)
        let previousMask = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(previousMask)
        guard bound == 0 else {
            let error = systemError(errno == EADDRINUSE ? .addressInUse : .socketFailed, "Cannot listen on \(path)")
            _ = Glibc.close(fd)
            throw error
        }
        do throws(ServerError) {
            guard chmod(bindPath, options.mode) == 0 else { throw systemError(.socketFailed, "Cannot set mode of \(path)") }
            try changeOwner(path: bindPath, owner: options.owner, group: options.group)
            guard listen(fd, backlog) == 0 else { throw systemError(.socketFailed, "Cannot listen on \(path)") }
            if bindPath != path {
                guard link(bindPath, path) == 0 else {
                    throw systemError(
                        errno == EEXIST ? .addressInUse : .socketFailed,
                        errno == EEXIST ? "Cannot listen on \(path): another server took the path meanwhile" : "Cannot listen on \(path)")
                }
                unlink(bindPath)
            }
        } catch {
            unlink(bindPath)
            _ = Glibc.close(fd)
            throw error
        }
        return ListeningSocket(fd: fd, address: .unix(path: path), ownedPath: path)
    }

    private static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        return address
    }

    /// A socket file left by a process that died is replaced; one that a live server answers on, or a file
    /// that is not a socket, is an error (FCGX_OpenSocket would unlink either).
    private static func removeStaleSocket(at path: String, address: sockaddr_un) throws(ServerError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw ServerError(.addressInUse, "Cannot listen on \(path): the path exists and is not a socket.")
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { throw systemError(.socketFailed, "Cannot create a unix socket") }
        defer { _ = Glibc.close(probe) }
        var address = address
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected == 0 {
            throw ServerError(.addressInUse, "Cannot listen on \(path): another server is already listening there.")
        }
        guard errno == ECONNREFUSED else {
            throw systemError(.addressInUse, "Cannot listen on \(path)")
        }
        guard unlink(path) == 0 else { throw systemError(.socketFailed, "Cannot remove the stale socket \(path)") }
    }

    private static func changeOwner(path: String, owner: String?, group: String?) throws(ServerError) {
        guard owner != nil || group != nil else { return }
        var uid = uid_t.max
        var gid = gid_t.max
        if let owner {
            guard let entry = getpwnam(owner) else { throw ServerError(.invalidOption, "Unknown socket owner \"\(owner)\".") }
            uid = entry.pointee.pw_uid
        }
        if let group {
            guard let entry = getgrnam(group) else { throw ServerError(.invalidOption, "Unknown socket group \"\(group)\".") }
            gid = entry.pointee.gr_gid
        }
        guard chown(path, uid, gid) == 0 else { throw systemError(.socketFailed, "Cannot change the owner of \(path)") }
    }

    private static func openTCP(host: String, port: Int, backlog: Int32) throws(ServerError) -> ListeningSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw ServerError(.invalidOption, "Cannot resolve listen host \"\(host)\": \(String(cString: gai_strerror(status))).")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(
            first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw systemError(.socketFailed, "Cannot create a TCP socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let address = ListenAddress.tcp(host: host, port: port)
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let error = systemError(errno == EADDRINUSE ? .addressInUse : .socketFailed, "Cannot listen on \(address)")
            _ = Glibc.close(fd)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = systemError(.socketFailed, "Cannot listen on \(address)")
            _ = Glibc.close(fd)
            throw error
        }
        return ListeningSocket(fd: fd, address: address, ownedPath: nil)
    }

    private static func setNonBlocking(_ fd: Int32) throws(ServerError) {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw systemError(.socketFailed, "Cannot configure the inherited socket \(fd)")
        }
    }
}

func systemError(_ code: ServerError.Code, _ what: String, errno number: Int32 = errno) -> ServerError {
    ServerError(code, "\(what): \(String(cString: strerror(number))).")
}

/// The port a TCP listening socket is bound to (for port 0 in tests).
func boundPort(of fd: Int32) -> Int? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let result = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard result == 0 else { return nil }
    switch Int32(storage.ss_family) {
    case AF_INET:
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    case AF_INET6:
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
        }
    default:
        return nil
    }
}
