import Foundation

/// The repository root, found from this file's path.
let repositoryRoot: String = {
    // The first folder above this file with nginx/render-config: the same whether this harness is compiled
    // into the root package's tests or, through a symlink, into the examples package's.
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("nginx/render-config").path) {
        url.deleteLastPathComponent()
    }
    return url.path
}()

/// The directory holding the built products (the fixture app, the examples): the test bundle's own directory.
let productsDirectory: String = {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    // swift test runs <bin>/<package>PackageTests.xctest; on some layouts argv[0] is inside it.
    while directory.path != "/", directory.path.contains(".xctest") {
        directory.deleteLastPathComponent()
    }
    return directory.path
}()
