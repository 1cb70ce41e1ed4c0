import ArgumentParser
import Foundation

/// `route-handlers new PATH`: a package that builds, tests and serves right away.
struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Creates a package for a route-handlers app.",
        discussion: """
            The package has Package.swift, Sources/NAME/main.swift, Sources/NAME/app/api/hello/route.swift (GET \
            /api/hello), a test through the in-process test client, deploy/ (an nginx server block and a systemd \
            unit), .gitignore and a README. `swift build` and `swift test` pass in it at once.

            It depends on swift-route-handlers by URL (\(PackageTemplate.dependencyURL), from: \
            "\(PackageTemplate.dependencyVersion)"), or with --dependency-path on a local checkout, which also \
            builds on a machine without network access.
            """)

    @Argument(help: ArgumentHelp("The directory to create (it may exist if empty).", valueName: "path"))
    var path: String

    @Option(
        help: ArgumentHelp(
            "The package, product and target name. Default: the directory's name.", valueName: "name"))
    var name: String?

    @Option(
        help: ArgumentHelp(
            "A local checkout of swift-route-handlers to depend on instead of its URL.", valueName: "directory"))
    var dependencyPath: String?

    func validate() throws {
        let name = self.name ?? URL(fileURLWithPath: path).lastPathComponent
        guard PackageTemplate.isValidName(name) else {
            throw ValidationError("Invalid name \"\(name)\": use letters, digits, '-' and '_', starting with a letter.")
        }
        if let dependencyPath {
            let manifest = URL(fileURLWithPath: dependencyPath).appendingPathComponent("Package.swift").path
            guard FileManager.default.fileExists(atPath: manifest) else {
                throw ValidationError("--dependency-path \(dependencyPath) holds no Package.swift.")
            }
        }
    }

    func run() throws {
        let directory = URL(fileURLWithPath: path).standardizedFileURL
        let name = self.name ?? directory.lastPathComponent
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: directory.path), !existing.isEmpty {
            throw ValidationError("\(directory.path) exists and is not empty.")
        }
        let dependency = dependencyPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let template = PackageTemplate(name: name, dependencyPath: dependency)
        for (relativePath, contents) in template.files {
            let file = directory.appendingPathComponent(relativePath)
            try manager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: file)
        }
        print("Created \(name) in \(directory.path):")
        for (relativePath, _) in template.files { print("  \(relativePath)") }
        print(
            """

            Next:
              cd \(path)
              swift test                 # the test of GET /api/hello, in process
              swift run route-handlers dev   # serves http://127.0.0.1:3000 behind nginx, rebuilds on save
            """)
    }
}
