import ArgumentParser
import Foundation
import RouteTreeGenerator

/// The route-tree generator's command line, run by the build-tool plugin and by hand.
@main
struct RouteTreeGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route-tree-gen",
        abstract: "Compiles an app/ directory of route.swift and page.html files into a route tree.",
        subcommands: [Generate.self, Routes.self, Nginx.self],
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

    @Option(
        help: ArgumentHelp(
            "A directory for links to the route files, named uniquely, for #sourceLocation.",
            discussion:
                "Without it, #sourceLocation names each route.swift itself, and the compiler warns that their #fileID strings collide."))
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

struct Nginx: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Writes an nginx include with a location per route whose segment config nginx must know (bodyLimit, requestBuffering, maxDuration, revalidate, rateLimit, maxConcurrency), and an http-level include with the rate limits' zones."
    )

    @Argument(help: "The app/ directory.")
    var appDirectory: String

    @Option(name: .shortAndLong, help: "The file to write (standard output when absent).")
    var output: String?

    @Option(help: "The file each location includes to pass to the app, relative to nginx's configuration directory.")
    var passInclude = RouteTreeGenerator.NginxOptions().passInclude

    @Option(help: "The fastcgi_cache zone for routes with revalidate.")
    var cacheZone = RouteTreeGenerator.NginxOptions().cacheZone

    @Option(
        help: ArgumentHelp(
            "The http-level include to write, with the limit_req_zone/limit_conn_zone of routes with rateLimit or maxConcurrency.",
            discussion: "By default, beside --output: routes.conf gets routes-http.conf."))
    var httpOutput: String?

    @Option(help: "The start of the rate limit zones' names (one per app when several share an nginx).")
    var zonePrefix = RouteTreeGenerator.NginxOptions().zonePrefix

    /// `routes.conf` → `routes-http.conf`.
    static func httpIncludePath(beside output: String) -> String {
        (output.hasSuffix(".conf") ? String(output.dropLast(5)) : output) + "-http.conf"
    }

    func run() throws {
        let generator: RouteTreeGenerator
        do {
            generator = try RouteTreeGenerator(appDirectory: appDirectory)
        } catch {
            throw fail(error)
        }
        var options = RouteTreeGenerator.NginxOptions()
        options.passInclude = passInclude
        options.cacheZone = cacheZone
        options.zonePrefix = zonePrefix
        let text = generator.nginxInclude(options)
        if let output {
            try GeneratedFile.write(text, toFile: output)
        } else {
            print(text, terminator: "")
        }
        if let http = httpOutput ?? output.map(Self.httpIncludePath(beside:)) {
            try GeneratedFile.write(generator.nginxHTTPInclude(options), toFile: http)
        }
    }
}
