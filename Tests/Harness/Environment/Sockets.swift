import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that is free now and that no other test of this process was given.
///
/// Not port 0's pick: the kernel hands a released port to the next asker, so two tests running at once could
/// both start a server on it, and one test's requests would reach the other's. Ports come from a counter below
/// the ephemeral range (where clients' own ports come from), at an offset per process.
public func freeLoopbackPort() throws -> Int {
    try PortAllocator.shared.next()
}

private final class PortAllocator: @unchecked Sendable {
    static let shared = PortAllocator()
    private let lock = NSLock()
    private var candidate = 20_000 + Int(getpid() % 200) * 50

    func next() throws -> Int {
        try lock.withLock {
            for _ in 0..<2_000 {
                candidate = candidate >= 32_000 ? 20_000 : candidate + 1
                if isBindable(candidate) { return candidate }
            }
            throw HarnessError("no free loopback port between 20000 and 32000")
        }
    }

    private func isBindable(_ port: Int) -> Bool {
        withLoopbackSocket(port: port) { bind($0, $1, $2) } == 0
    }
}

public func canConnect(tcpPort port: Int) -> Bool {
    withLoopbackSocket(port: port) { connect($0, $1, $2) } == 0
}

/// Runs `call` (bind, connect) with a new TCP socket and 127.0.0.1:`port`, then closes the socket; -1 when no
/// socket could be made.
private func withLoopbackSocket(port: Int, _ call: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return -1 }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

public func isSocketFile(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFSOCK
}

/// Whether a server listens on the unix socket at `path`: a connection to it succeeds. A server that binds
/// before it listens (fcgiwrap) has its socket file in place a moment before it accepts.
public func acceptsConnections(unixPath path: String) -> Bool {
    guard let fd = try? connectUnix(path) else { return false }
    close(fd)
    return true
}

/// A connected unix-socket descriptor, for talking FastCGI to a server by hand. Close-on-exec, as every socket a
/// test makes: a child another test spawns meanwhile (nginx, a fixture) would otherwise keep it open, and closing it
/// here would never reach the server as a hang-up.
public func connectUnix(_ path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    var address = unixAddress(path)
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard result == 0 else {
        close(fd)
        throw HarnessError("connect \(path) failed: errno \(errno)")
    }
    return fd
}

/// The address of the unix socket at `path`.
public func unixAddress(_ path: String) -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        buffer.copyBytes(from: path.utf8)
        buffer[path.utf8.count] = 0
    }
    return address
}

/// A new close-on-exec unix socket of `type` (`SOCK_STREAM`, `SOCK_DGRAM`, with `flags` such as `SOCK_NONBLOCK`)
/// bound to `path`.
public func bindUnix(_ type: __socket_type, flags: Int32 = 0, path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | flags, 0)
    var address = unixAddress(path)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard fd >= 0, bound == 0 else {
        if fd >= 0 { close(fd) }
        throw HarnessError("cannot bind \(path): errno \(errno)")
    }
    return fd
}

/// A connected TCP descriptor to `host`:`port` (numeric IPv4 or IPv6), its own end bound to `source` when given
/// (any of 127.0.0.0/8 is this machine's: a second loopback peer for allow-list tests).
public func connectTCP(host: String, port: Int, from source: String? = nil) throws -> Int32 {
    func address(_ text: String, port: Int) throws -> sockaddr_storage {
        var storage = sockaddr_storage()
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    $0.pointee.sin_family = sa_family_t(AF_INET)
                    $0.pointee.sin_addr = v4
                    $0.pointee.sin_port = UInt16(port).bigEndian
                }
            }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    $0.pointee.sin6_family = sa_family_t(AF_INET6)
                    $0.pointee.sin6_addr = v6
                    $0.pointee.sin6_port = UInt16(port).bigEndian
                }
            }
        } else {
            throw HarnessError("not a numeric address: \(text)")
        }
        return storage
    }
    var target = try address(host, port: port)
    let fd = socket(Int32(target.ss_family), Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw HarnessError("socket failed: errno \(errno)") }
    let length = socklen_t(Int32(target.ss_family) == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
    if let source {
        var local = try address(source, port: 0)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else {
            close(fd)
            throw HarnessError("bind \(source) failed: errno \(errno)")
        }
    }
    let result = withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
    guard result == 0 else {
        close(fd)
        throw HarnessError("connect \(host):\(port) failed: errno \(errno)")
    }
    return fd
}
