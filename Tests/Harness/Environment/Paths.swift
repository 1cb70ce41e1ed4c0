import Foundation

/// The repository root: the first folder above this source file that holds `nginx/render-config`.
///
/// Found from where this module was compiled, not from the working directory, so it is the same for the root
/// package's tests and for an example package's (`examples/api`, `examples/cgi`, `examples/openapi`): those depend
/// on the root package by path, so SwiftPM compiles this harness from the repository's own `Tests/Harness`.
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("nginx/render-config").path) {
        url.deleteLastPathComponent()
    }
    return url.path
}()

/// The directory holding the built products that the running tests start (the root package's fixture apps,
/// an example package's executable): the running test bundle's own build directory, such as
/// `.build/debug` for the root package or `examples/api/.build/debug` for the api example, since each
/// package builds its products into its own `.build` beside its tests.
public let productsDirectory: String = {
    // The test executable itself (/proc/self/exe; argv[0] where there is no /proc): swift test runs
    // <bin>/<package>PackageTests.xctest, and on some layouts argv[0] is a file inside that bundle.
    let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var directory = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
    while directory.path != "/", directory.path.contains(".xctest") {
        directory.deleteLastPathComponent()
    }
    return directory.path
}()
