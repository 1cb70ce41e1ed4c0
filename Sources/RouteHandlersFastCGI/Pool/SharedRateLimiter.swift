import CLinux
import RouteHandlers
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `RateLimiter` shared by every process that opens the same directory: the workers of one pool (the master
/// makes the directory and names it in `ROUTE_HANDLERS_POOL_DIR`), or the CGI processes of one executable.
///
/// - Rates: a table of 64-bit words in a shared mapping (`rates`), one per key: a 24-bit tag of the route and key
///   and the key's GCRA time (milliseconds), updated with compare-and-swap, as nginx keeps a zone in shared memory.
///   A full neighbourhood gives up its oldest entry, as nginx's zone does.
/// - Concurrency: byte-range locks on `concurrency`, one byte per request a route may serve at once, held by an
///   open file description of their own. The kernel drops them when their holder exits, so a killed process
///   leaves no count behind.
public final class SharedRateLimiter: RateLimiter {
    static let magic: UInt64 = 0x5248_5241_5445_5331
    static let slotCount = 8192
    static let neighbourhood = 8
    static let headerSize = 4096
    static let tatBits: UInt64 = 40
    static let tatMask: UInt64 = (1 << tatBits) - 1

    public let directory: String
    private let parent: String?
    /// The mapped table once made; whether the directory is usable once checked.
    private let state = Mutex<(table: UInt?, usable: Bool?)>((nil, nil))
    private let clock: @Sendable () -> Int64

    /// A limiter on `directory`, made (mode 0700) when first needed. Nothing is counted unless it is a directory
    /// of this user's that no one else may open: another user's could forge or fill the counts.
    /// - Parameters:
    ///   - directory: where the counts live.
    ///   - parent: a directory made and checked first (this user's, holding `directory`).
    ///   - clock: wall-clock milliseconds (shared by every process, unlike a monotonic clock's origin).
    public init(directory: String, parent: String? = nil, clock: (@Sendable () -> Int64)? = nil) {
        self.directory = directory
        self.parent = parent
        self.clock = clock ?? SharedRateLimiter.wallClock
    }

    public func admit(route: String, key: String, limit: RateLimit) -> RateLimitDecision {
        guard let words = mappedTable() else { return .admitted }
        let header = words
        let slots = words + Self.headerSize / 8
        let epoch = Int64(bitPattern: rh_atomic_load(header + 1))
        let now = max(1, clock() - epoch)
        let hash = Self.fnv1a(route + "\u{0}" + key)
        let tag = max(1, hash >> Self.tatBits) << Self.tatBits
        let home = Int(hash % UInt64(Self.slotCount))
        // Bounded: under contention the request is admitted rather than spun on.
        for _ in 0..<16 {
            var victim = home
            var oldest = UInt64.max
            var found: Int?
            for offset in 0..<Self.neighbourhood {
                let index = (home + offset) % Self.slotCount
                let word = rh_atomic_load(slots + index)
                if word & ~Self.tatMask == tag {
                    found = index
                    break
                }
                if word & Self.tatMask < oldest {
                    oldest = word & Self.tatMask
                    victim = index
                }
            }
            let index = found ?? victim
            let word = rh_atomic_load(slots + index)
            var tat: Int64 = 0
            if found != nil, word & ~Self.tatMask == tag {
                tat = Int64(word & Self.tatMask)
                // Later than any admission could make it: the clock went back; start the key afresh.
                if tat > now + limit.horizon { tat = 0 }
            } else if found != nil {
                continue
            }
            let admission = limit.admit(tat: tat, now: now)
            guard case .admitted(let next) = admission else { return RateLimitDecision(admission) }
            if rh_atomic_cas(slots + index, word, tag | (UInt64(next) & Self.tatMask)) != 0 { return .admitted }
        }
        return .admitted
    }

    public func enter(route: String, limit: Int) -> ConcurrencyPermit? {
        guard usable() else { return ConcurrencyPermit {} }
        let fd = open(directory + "/concurrency", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        // Without the file the limit cannot be counted; the request is served rather than refused.
        guard fd >= 0 else { return ConcurrencyPermit {} }
        // A range of 2^20 bytes per route, far beyond the end of the file: locks need no data.
        let base = off_t(Self.fnv1a(route) & 0x7FF_FFFF) << 20
        for index in 0..<min(limit, 1 << 20) {
            var lock = flock()
            lock.l_type = Int16(F_WRLCK)
            lock.l_whence = Int16(SEEK_SET)
            lock.l_start = base + off_t(index)
            lock.l_len = 1
            if fcntl(fd, Self.ofdSetLock, &lock) == 0 {
                return ConcurrencyPermit { close(fd) }
            }
        }
        close(fd)
        return nil
    }

    /// Linux's `F_OFD_SETLK` (not exported to Swift): a lock owned by the open file description, so that two
    /// requests in one process conflict as two processes do.
    static let ofdSetLock: Int32 = 37

    /// The mapped `rates` file, made and mapped on first use; `nil` (nothing counted) when it cannot be.
    private func mappedTable() -> UnsafeMutablePointer<UInt64>? {
        guard usable() else { return nil }
        // The address, not the pointer, crosses the lock (a pointer is not Sendable).
        let address = state.withLock { state -> UInt? in
            if let table = state.table { return table }
            let size = Self.headerSize + Self.slotCount * 8
            let fd = open(directory + "/rates", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var status = stat()
            guard fstat(fd, &status) == 0, status.st_size >= size || ftruncate(fd, off_t(size)) == 0 else { return nil }
            guard let pointer = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), pointer != MAP_FAILED else { return nil }
            let words = pointer.assumingMemoryBound(to: UInt64.self)
            // The first process to get here sets the epoch (a day back, so that a new key's 0 is in the past).
            _ = rh_atomic_cas(words + 1, 0, UInt64(max(1, clock() - 86_400_000)))
            _ = rh_atomic_cas(words, 0, Self.magic)
            guard rh_atomic_load(words) == Self.magic else {
                munmap(pointer, size)
                return nil
            }
            state.table = UInt(bitPattern: words)
            return UInt(bitPattern: words)
        }
        return address.flatMap { UnsafeMutablePointer<UInt64>(bitPattern: $0) }
    }

    /// Whether the directory is private to this user (made now if missing), checked once.
    private func usable() -> Bool {
        state.withLock { state in
            if let usable = state.usable { return usable }
            let usable = PoolDirectory(path: directory, owned: false, parent: parent).isUsable
            state.usable = usable
            return usable
        }
    }

    @Sendable static func wallClock() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
