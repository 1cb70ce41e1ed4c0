import ArgumentParser
import Foundation
import RouteTreeGenerator

/// `route-handlers routes`: the route table of each target's `app/` directory, without building.
struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prints the route table (URL pattern, methods, source file) of each app/ directory under Sources/.")

    @Option(help: ArgumentHelp("The package's directory.", valueName: "directory"))
    var packagePath: String = "."

    func run() throws {
        let sources = URL(fileURLWithPath: packagePath).appendingPathComponent("Sources").path
        let targets = ((try? FileManager.default.contentsOfDirectory(atPath: sources)) ?? []).sorted()
        var found = false
        for target in targets where FileManager.default.fileExists(atPath: "\(sources)/\(target)/app") {
            found = true
            print("\(target):")
            do {
                print(try RouteTreeGenerator(appDirectory: "\(sources)/\(target)/app").routeTable(), terminator: "")
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode.failure
            }
        }
        if !found { throw ValidationError("No app/ directory under \(sources).") }
    }
}
