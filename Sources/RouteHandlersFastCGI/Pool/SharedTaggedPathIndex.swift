import RouteHandlers
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `TaggedPathIndex` shared by the processes of a pool through a file in its directory (`tagged-paths`, one
/// `tag<TAB>path` line per entry, appended with `O_APPEND` so that writers never interleave). A process appends a
/// pair once; past 4 MiB the file is rewritten with each pair once, under a lock. Hosts behind one nginx each have
/// their own: see `TaggedPathIndex` for one they share.
public final class SharedTaggedPathIndex: TaggedPathIndex {
    public let directory: String
    private let parent: String?
    /// The pairs this process appended (or read), so that each is written once; and whether the directory is usable.
    private let state = Mutex<(known: Set<String>, usable: Bool?)>(([], nil))
    static let compactionSize = 4 << 20

    /// - Parameters:
    ///   - directory: the pool's directory.
    ///   - parent: a directory made and checked first (this user's, holding `directory`).
    public init(directory: String, parent: String? = nil) {
        self.directory = directory
        self.parent = parent
    }

    var file: String { directory + "/tagged-paths" }

    public func record(_ path: String, tags: [String]) async {
        // A line per pair: a path with a line break (never a request target) is not kept.
        guard !path.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" }) else { return }
        let lines = state.withLock { state -> [String] in
            if state.usable == nil { state.usable = PoolDirectory(path: directory, owned: false, parent: parent).isUsable }
            guard state.usable == true else { return [] }
            return tags.filter { !$0.contains(where: \.isNewline) && !$0.contains("\t") }.map { $0 + "\t" + path }
                .filter { state.known.insert($0).inserted }
        }
        guard !lines.isEmpty else { return }
        let fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var status = stat()
        let large = fstat(fd, &status) == 0 && Int(status.st_size) > Self.compactionSize
        close(fd)
        if large { compact() }
    }

    public func paths(tags: [String]) async -> [String] {
        let wanted = Set(tags)
        var seen: Set<String> = []
        return read().compactMap { line in
            guard let tab = line.firstIndex(of: "\t"), wanted.contains(String(line[..<tab])) else { return nil }
            let path = String(line[line.index(after: tab)...])
            return seen.insert(path).inserted ? path : nil
        }
    }

    /// The file's lines (none when it is missing).
    private func read() -> [Substring] {
        let fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    }

    /// Rewrites the file with each pair once, under an exclusive lock against another compaction, then renames it
    /// into place (appends meanwhile reach the old file; a pair lost then is appended again by the next process
    /// that answers it).
    private func compact() {
        let lock = open(directory + "/tagged-paths.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard lock >= 0 else { return }
        defer { close(lock) }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else { return }
        var seen: Set<Substring> = []
        let lines = read().filter { seen.insert($0).inserted }
        let temporary = file + ".\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written == bytes.count { rename(temporary, file) } else { unlink(temporary) }
    }
}
