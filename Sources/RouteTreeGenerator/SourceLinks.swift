import Foundation

/// Symbolic links to route files, one per file with a name of its own.
///
/// The compiler derives `#fileID` from the last component of a `#sourceLocation` path and warns when two paths
/// of one module share it, which every pair of `route.swift` files would; no compiler option silences that one
/// warning. Naming a link after the file's whole display path, folders joined with `~`, such as
/// `app~api~users~[id]~route.swift`, keeps each `#fileID` unique, while diagnostics, debuggers and crash reports
/// still open the user's file through the link. ``BuildDiagnostic/mapped(_:)`` (used by `route-handlers dev` and
/// `route-handlers diagnostics`) turns a link path in compiler output back into the file's own path.
public enum SourceLinks {
    /// Separates folders in a link's name; a literal `~` or `%` in a folder name is percent-encoded.
    static let separator = "~"

    /// The link's name for a display path such as `app/api/hello/route.swift`: `app~api~hello~route.swift`.
    public static func linkName(displayPath: String) -> String {
        displayPath.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "~", with: "%7E")
            .replacingOccurrences(of: "/", with: separator)
    }

    /// The display path a link's name stands for (the inverse of ``linkName(displayPath:)``).
    public static func displayPath(linkName: String) -> String {
        linkName.replacingOccurrences(of: separator, with: "/").replacingOccurrences(of: "%7E", with: "~")
            .replacingOccurrences(of: "%25", with: "%")
    }

    /// Whether `path` names a link made here: a file in a `route-sources` directory (the build plugin's).
    public static func isLink(_ path: String) -> Bool {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().lastPathComponent == directoryName && url.pathExtension == "swift"
    }

    /// The name of the directory the build plugin keeps the links in.
    public static let directoryName = "route-sources"

    /// The link's path for `entry` in `directory`.
    public static func path(of entry: AppDirectory.Entry, in directory: String) -> String {
        directory + "/" + linkName(displayPath: entry.displayPath)
    }

    /// Creates or updates a link for each route file in `directory` and removes links to files that are gone.
    public static func update(_ generator: RouteTreeGenerator, in directory: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var current: Set<String> = []
        let entries = generator.routes.filter { $0.entry.kind == .route }.map(\.entry) + generator.middleware.map(\.entry)
        for entry in entries {
            let link = path(of: entry, in: directory)
            current.insert(URL(fileURLWithPath: link).lastPathComponent)
            if (try? manager.destinationOfSymbolicLink(atPath: link)) == entry.path { continue }
            try? manager.removeItem(atPath: link)
            try manager.createSymbolicLink(atPath: link, withDestinationPath: entry.path)
        }
        for name in try manager.contentsOfDirectory(atPath: directory) where !current.contains(name) {
            try manager.removeItem(atPath: directory + "/" + name)
        }
    }
}
