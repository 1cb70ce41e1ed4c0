import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Function names from an ELF file's own symbol table (`.symtab`), for the frames `backtrace_symbols` cannot
/// name: an executable exports none of its functions unless linked with `--export-dynamic`, but SwiftPM keeps its
/// symbol table. The file is mapped read-only once and kept; lookups are a binary search.
final class ELFSymbols: @unchecked Sendable {
    private struct Function {
        var start: UInt64
        var size: UInt64
        var name: Int
    }

    private let base: UnsafeRawPointer
    private let length: Int
    private let names: Int
    private let namesSize: Int
    private let functions: [Function]
    /// `ET_EXEC` (addresses as they are) or `ET_DYN` (relative to where the file is loaded).
    let isPositionIndependent: Bool

    private static let cache = Mutex<[String: ELFSymbols?]>([:])

    /// The symbols of the file at `path` (cached, `nil` when it has no symbol table or is not ELF).
    static func of(_ path: String) -> ELFSymbols? {
        cache.withLock { cache in
            if let known = cache[path] { return known }
            let loaded = ELFSymbols(path: path)
            cache[path] = loaded
            return loaded
        }
    }

    private init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_size >= 64 else { return nil }
        let length = Int(status.st_size)
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else { return nil }
        let base = UnsafeRawPointer(mapped)
        func read<T: FixedWidthInteger>(_ offset: Int, as _: T.Type) -> T? {
            guard offset >= 0, offset + MemoryLayout<T>.size <= length else { return nil }
            return base.loadUnaligned(fromByteOffset: offset, as: T.self)
        }
        // "\x7fELF", 64-bit, little-endian.
        guard read(0, as: UInt32.self) == 0x464C_457F, read(4, as: UInt8.self) == 2, read(5, as: UInt8.self) == 1,
            let type = read(16, as: UInt16.self), let sectionsAt = read(40, as: UInt64.self),
            let sectionSize = read(58, as: UInt16.self), let sectionCount = read(60, as: UInt16.self), sectionSize >= 64
        else {
            munmap(mapped, length)
            return nil
        }
        var symtab: (offset: Int, size: Int, link: Int)?
        func section(_ index: Int) -> Int { Int(sectionsAt) + index * Int(sectionSize) }
        for index in 0..<Int(sectionCount) where read(section(index) + 4, as: UInt32.self) == 2 /* SHT_SYMTAB */ {
            guard let offset = read(section(index) + 24, as: UInt64.self), let size = read(section(index) + 32, as: UInt64.self),
                let link = read(section(index) + 40, as: UInt32.self)
            else { continue }
            symtab = (Int(offset), Int(size), Int(link))
        }
        guard let symtab, symtab.link < Int(sectionCount), let namesAt = read(section(symtab.link) + 24, as: UInt64.self),
            let namesSize = read(section(symtab.link) + 32, as: UInt64.self), Int(namesAt) + Int(namesSize) <= length
        else {
            munmap(mapped, length)
            return nil
        }
        var functions: [Function] = []
        var entry = symtab.offset
        while entry + 24 <= min(length, symtab.offset + symtab.size) {
            if let info = read(entry + 4, as: UInt8.self), info & 0xF == 2 /* STT_FUNC */, let name = read(entry, as: UInt32.self),
                let value = read(entry + 8, as: UInt64.self), let size = read(entry + 16, as: UInt64.self), value != 0,
                Int(name) < Int(namesSize)
            {
                functions.append(Function(start: value, size: max(size, 1), name: Int(name)))
            }
            entry += 24
        }
        functions.sort { $0.start < $1.start }
        self.base = base
        self.length = length
        self.names = Int(namesAt)
        self.namesSize = Int(namesSize)
        self.functions = functions
        self.isPositionIndependent = type == 3 /* ET_DYN */
    }

    /// The function containing `address` (as the file's symbols count it) and the offset into it.
    func function(containing address: UInt64) -> (name: String, offset: UInt64)? {
        var low = 0
        var high = functions.count
        while low < high {
            let middle = (low + high) / 2
            if functions[middle].start <= address { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let candidate = functions[low - 1]
        guard address < candidate.start + candidate.size else { return nil }
        let start = names + candidate.name
        var end = start
        while end < names + namesSize, base.load(fromByteOffset: end, as: UInt8.self) != 0 { end += 1 }
        let name = String(decoding: UnsafeRawBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        return (name, address - candidate.start)
    }
}
