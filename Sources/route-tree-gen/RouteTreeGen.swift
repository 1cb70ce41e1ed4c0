import ArgumentParser
import Foundation
import RouteTreeGenerator

/// The route-tree generator's command line, run by the build-tool plugin and by hand.
@main
struct RouteTreeGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route-tree-gen",
        abstract: "Compiles an app/ directory of route.swift and page.html files into a route tree.",
        subcommands: [Generate.self, Routes.self],
        defaultSubcommand: Generate.self)
}

/// Prints diagnostics as `path:line: severity: message`, which SwiftPM and editors show at the file, and fails.
func fail(_ error: GeneratorError) -> ExitCode {
    FileHandle.standardError.write(Data((error.description + "\n").utf8))
    return ExitCode.failure
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validates the app/ directory and writes one wrapper per route file plus \(RouteFileNaming.indexFileName).")

    @Argument(help: "The app/ directory.")
    var appDirectory: String

    @Option(name: .shortAndLong, help: "The directory to write the generated Swift files into.")
    var output: String

    @Option(help: ArgumentHelp(
        "A directory for links to the route files, named uniquely, for #sourceLocation.",
        discussion: "Without it, #sourceLocation names each route.swift itself, and the compiler warns that their #fileID strings collide."))
    var sourceLinks: String?

    func run() throws {
        let generator: RouteTreeGenerator
        do {
            generator = try RouteTreeGenerator(appDirectory: appDirectory)
        } catch {
            throw fail(error)
        }
        if let sourceLinks { try SourceLinks.update(generator, in: sourceLinks) }
        try GeneratedFile.write(generator.generatedFiles(sourceLinks: sourceLinks), to: output)
    }
}

struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prints the route table: URL pattern, methods and source file of every route.")

    @Argument(help: "The app/ directory.")
    var appDirectory: String

    func run() throws {
        do {
            print(try RouteTreeGenerator(appDirectory: appDirectory).routeTable(), terminator: "")
        } catch {
            throw fail(error)
        }
    }
}
