import Foundation

extension GeneratedFile {
    /// Writes the files into `directory`, each only when its bytes changed (so that an unchanged route does not
    /// recompile), and removes generated files left there by routes that no longer exist.
    /// - Returns: The names of the files written.
    @discardableResult
    public static func write(_ files: [GeneratedFile], to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [String] = []
        for file in files {
            let path = directory + "/" + file.name
            let bytes = Data(file.contents.utf8)
            if FileManager.default.contents(atPath: path) == bytes { continue }
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(file.name)
        }
        let current = Set(files.map(\.name))
        for name in try FileManager.default.contentsOfDirectory(atPath: directory)
        where name.hasSuffix(".generated.swift") && !current.contains(name) {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        return written
    }
}

extension GeneratedFile {
    /// Writes `text` to `path` unless the file already holds exactly it.
    public static func write(_ text: String, toFile path: String) throws {
        let bytes = Data(text.utf8)
        if FileManager.default.contents(atPath: path) == bytes { return }
        try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
