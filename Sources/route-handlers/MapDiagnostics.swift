import ArgumentParser
import Foundation
import RouteTreeGenerator

/// `swift build 2>&1 | route-handlers diagnostics`: build output with the route files' own paths.
struct MapDiagnostics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnostics",
        abstract: "Copies build output from standard input to standard output with route-source links replaced by the route files' paths.",
        discussion: """
            The compiler reports an error in app/api/hello/route.swift at a link inside .build, named after the \
            file's path (.../route-sources/app~api~hello~route.swift:4:22). This filter names the file itself:
              swift build 2>&1 | route-handlers diagnostics
            """)

    func run() throws {
        while let line = readLine(strippingNewline: false) {
            FileHandle.standardOutput.write(Data(BuildDiagnostic.mappingPaths(in: line).utf8))
        }
    }
}
