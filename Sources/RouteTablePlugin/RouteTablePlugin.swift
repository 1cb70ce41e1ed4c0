import Foundation
import PackagePlugin

/// `swift package routes [--target NAME]`: prints the route table of every target with an `app/` directory
/// (URL pattern, methods, source file, segment config, middleware chain), as `next build` does.
/// `--nginx` prints the nginx include generated from it instead (`route-tree-gen nginx`).
@main
struct RouteTablePlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        let names = Set(extractor.extractOption(named: "target"))
        let nginx = extractor.extractFlag(named: "nginx") > 0
        let tool = try context.tool(named: "route-tree-gen")
        for target in context.package.targets where names.isEmpty || names.contains(target.name) {
            let app = target.directoryURL.appending(path: "app")
            guard FileManager.default.fileExists(atPath: app.path) else { continue }
            // The nginx include is printed bare, so that it can be redirected into a file.
            if nginx { print("# \(target.name)") } else { print("\(target.name):") }
            let process = Process()
            process.executableURL = tool.url
            process.arguments = [nginx ? "nginx" : "routes", app.path]
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                Diagnostics.error("The route table of \(target.name) is invalid (see the errors above).")
            }
        }
    }
}
