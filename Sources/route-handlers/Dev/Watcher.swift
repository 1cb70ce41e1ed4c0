import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Watches source directories (recursively, folders created later included) and a few single files with
/// inotify, and reports which files were saved, created, moved or deleted.
final class Watcher {
    private let fd: Int32
    private var directories: [Int32: String] = [:]
    private let files: Set<String>
    private var singleFileDirectories: Set<String> = []

    /// Watches every directory under each of `roots`, and `files` (absolute paths, through their directory).
    init(roots: [String], files: [String]) throws {
        fd = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        guard fd >= 0 else { throw DevError("inotify_init1 failed: \(String(cString: strerror(errno)))") }
        self.files = Set(files)
        for root in roots { addTree(root) }
        for file in files {
            let directory = URL(fileURLWithPath: file).deletingLastPathComponent().path
            if !directories.values.contains(directory) { singleFileDirectories.insert(directory) }
            add(directory)
        }
    }

    deinit { close(fd) }

    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)

    private func add(_ directory: String) {
        guard !directories.values.contains(directory) else { return }
        let descriptor = inotify_add_watch(fd, directory, Self.mask)
        if descriptor >= 0 { directories[descriptor] = directory }
    }

    private func addTree(_ directory: String) {
        add(directory)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where !name.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { addTree(path) }
        }
    }

    /// Blocks until a source changes, then until changes have paused for `quiet` seconds (an editor's save is
    /// several events), and returns the changed paths; `nil` when `stop` (a pipe's read end) became readable.
    func waitForChanges(stop: Int32, quiet: Double = 0.2) -> [String]? {
        var changed: [String] = []
        while true {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
            let timeout: Int32 = changed.isEmpty ? -1 : Int32(quiet * 1000)
            let ready = poll(&fds, 2, timeout)
            if ready < 0, errno == EINTR { continue }
            if fds[1].revents != 0 { return nil }
            if ready == 0 { return changed }
            for path in readEvents() where !changed.contains(path) { changed.append(path) }
        }
    }

    /// The paths of the pending events that concern sources; watches folders created meanwhile.
    private func readEvents() -> [String] {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var paths: [String] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return paths }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let (descriptor, mask, length) = buffer.withUnsafeBytes { raw in
                    (
                        raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                        raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                        Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    )
                }
                let nameBytes = buffer[(offset + header)..<min(count, offset + header + length)].prefix { $0 != 0 }
                offset += header + length
                guard let directory = directories[descriptor] else { continue }
                let name = String(decoding: nameBytes, as: UTF8.self)
                let path = directory + "/" + name
                // In a directory watched for single files (the package root), only those files count.
                if singleFileDirectories.contains(directory), !files.contains(path) { continue }
                if mask & UInt32(IN_ISDIR) != 0 {
                    if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, !name.hasPrefix(".") { addTree(path) }
                    if !name.hasPrefix(".") { paths.append(path) }
                    continue
                }
                guard Self.isSource(name) else { continue }
                // A file being written (IN_CREATE) is reported by its IN_CLOSE_WRITE.
                if mask & UInt32(IN_CREATE) != 0 { continue }
                paths.append(path)
            }
        }
    }

    /// Editors' backup, swap and probe files are not sources.
    static func isSource(_ name: String) -> Bool {
        !(name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx")
            || name == "4913" || name.hasSuffix(".tmp"))
    }
}
