import Foundation

/// The route and page files of an `app/` directory, found by walking it the way Next.js's App Router does.
public struct AppDirectory: Sendable {
    /// A file that defines a route.
    public struct Entry: Sendable, Hashable {
        /// What the file is. New kinds may be added.
        public struct Kind: Sendable, Hashable, CustomStringConvertible {
            public let rawValue: String
            private init(_ rawValue: String) { self.rawValue = rawValue }
            public var description: String { rawValue }

            /// `route.swift`: method handlers.
            public static let route = Kind("route")
            /// `page.html`: a static page.
            public static let page = Kind("page")
            /// `middleware.swift`: runs around every route in its folder and below.
            public static let middleware = Kind("middleware")
        }

        public var kind: Kind
        /// The folders from `app/` to the file, as written (groups included); empty for `app/route.swift`.
        public var folders: [String]
        /// The file's absolute path.
        public var path: String
        /// The file's path from the directory holding `app/`, such as `app/api/hello/route.swift`.
        public var displayPath: String

        /// The folder below `app/`, such as `api/(admin)/users`.
        public var relativeFolder: String { folders.joined(separator: "/") }
    }

    /// The `app/` directory's absolute path.
    public var path: String
    /// Route and page files, sorted by path.
    public var entries: [Entry] = []
    /// `middleware.swift` files, outermost first (sorted by path).
    public var middleware: [Entry] = []
    /// Problems found while walking: a folder with both a route and a page.
    public var diagnostics: [Diagnostic] = []

    /// Walks `path`. Folders starting with `_` (private) or `.` are skipped with everything under them.
    public init(path: String) throws(GeneratorError) {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        self.path = absolute
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GeneratorError(diagnostics: [.error(absolute, "The app directory does not exist.")])
        }
        walk(folders: [])
        entries.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        middleware.sort {
            $0.folders.count != $1.folders.count
                ? $0.folders.count < $1.folders.count : $0.path.utf8.lexicographicallyPrecedes($1.path.utf8)
        }
    }

    private mutating func walk(folders: [String]) {
        let directory = ([path] + folders).joined(separator: "/")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let appName = URL(fileURLWithPath: path).lastPathComponent
        func display(_ name: String) -> String { ([appName] + folders + [name]).joined(separator: "/") }
        var route: Entry?
        var pages: [String] = []
        for name in names where !name.hasPrefix(".") {
            let full = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if !name.hasPrefix("_") { walk(folders: folders + [name]) }
            } else if name == "middleware.swift" {
                middleware.append(Entry(kind: .middleware, folders: folders, path: full, displayPath: display(name)))
            } else if name == "route.swift" {
                route = Entry(kind: .route, folders: folders, path: full, displayPath: display(name))
            } else if name.hasPrefix("page.") {
                pages.append(name)
                if name == "page.html" {
                    entries.append(Entry(kind: .page, folders: folders, path: full, displayPath: display(name)))
                }
            }
        }
        guard let route else { return }
        if let page = pages.first {
            let url = "/" + folders.filter { !($0.hasPrefix("(") && $0.hasSuffix(")")) }.joined(separator: "/")
            diagnostics.append(
                .error(
                    route.path,
                    "Conflicting route and page at \(url): route at \(route.displayPath) and page at \(display(page)). A folder holds either a route.swift or a page, not both."
                ))
            entries.removeAll { $0.kind == .page && $0.folders == folders }
        }
        entries.append(route)
    }
}
