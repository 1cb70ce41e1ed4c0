import Foundation

/// Symbolic links to route files, one per file with a name of its own.
///
/// The compiler derives `#fileID` from the last component of a `#sourceLocation` path and warns when two paths
/// of one module share it, which every pair of `route.swift` files would. Naming a link such as
/// `app%2Fapi%2Fusers%2F[id]%2Froute.swift` instead keeps each `#fileID` unique while diagnostics, debuggers
/// and crash reports still open the user's file, through the link.
public enum SourceLinks {
    /// The link's path for `entry` in `directory`: its display path with `%` and `/` percent-encoded.
    public static func path(of entry: AppDirectory.Entry, in directory: String) -> String {
        let name = entry.displayPath.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
        return directory + "/" + name
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
