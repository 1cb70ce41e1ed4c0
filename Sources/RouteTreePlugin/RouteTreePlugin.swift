import Foundation
import PackagePlugin

/// Compiles a target's `app/` directory into Swift: one wrapper per `route.swift` and `AppRoutes.generated.swift`
/// declaring `Router.app()`. Validation and code generation live in `route-tree-gen`; this only tells SwiftPM
/// which files go in and come out, so that editing a route rebuilds it and adding a folder is seen by the next
/// build (the plugin runs at every build's planning and walks the directory again).
@main
struct RouteTreePlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let app = target.directoryURL.appending(path: "app")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: app.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            Diagnostics.warning("\(target.name) uses RouteTreePlugin but has no app/ directory.")
            return []
        }
        var inputs: [URL] = []
        var routeFolders: [String] = []
        var middlewareFolders: [String] = []
        AppWalk.walk(app, folders: []) { folders, name, url in
            if name == "route.swift" { routeFolders.append(folders.joined(separator: "/")) }
            if name == "middleware.swift" { middlewareFolders.append(folders.joined(separator: "/")) }
            if name == "route.swift" || name == "middleware.swift" || name.hasPrefix("page.") { inputs.append(url) }
            // The site config (redirects, rewrites, headers): app/route-handlers.json.
            if folders.isEmpty, name == "route-handlers.json" { inputs.append(url) }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "routes")
        let outputs =
            routeFolders.map { output.appending(path: AppWalk.wrapperFileName(relativeFolder: $0)) }
            + middlewareFolders.map { output.appending(path: AppWalk.middlewareFileName(relativeFolder: $0)) }
            + [output.appending(path: "AppRoutes.generated.swift")]
        return [
            .buildCommand(
                displayName: "Generating the route tree of \(target.name) from app/",
                executable: try context.tool(named: "route-tree-gen").url,
                arguments: [
                    "generate", app.path, "--output", output.path,
                    "--source-links", context.pluginWorkDirectoryURL.appending(path: "route-sources").path,
                ],
                inputFiles: inputs,
                outputFiles: outputs)
        ]
    }
}

/// The directory walk and file naming of `RouteTreeGenerator`, repeated here because a plugin cannot link a
/// library. The fixture test target fails to build if they disagree.
enum AppWalk {
    /// Calls `visit` for each file under `directory`, skipping `_private` and hidden folders.
    static func walk(_ directory: URL, folders: [String], _ visit: ([String], String, URL) -> Void) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        for name in names where !name.hasPrefix(".") {
            let url = directory.appending(path: name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if !name.hasPrefix("_") { walk(url, folders: folders + [name], visit) }
            } else {
                visit(folders, name, url)
            }
        }
    }

    static func wrapperFileName(relativeFolder: String) -> String {
        relativeFolder.isEmpty ? "Route.generated.swift" : "Route_\(mangle(relativeFolder)).generated.swift"
    }

    static func middlewareFileName(relativeFolder: String) -> String {
        relativeFolder.isEmpty ? "Middleware.generated.swift" : "Middleware_\(mangle(relativeFolder)).generated.swift"
    }

    static func mangle(_ relativeFolder: String) -> String {
        var result = ""
        for byte in relativeFolder.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/"): result += "__"
            case UInt8(ascii: "["): result += "_l"
            case UInt8(ascii: "]"): result += "_r"
            case UInt8(ascii: "("): result += "_o"
            case UInt8(ascii: ")"): result += "_c"
            case UInt8(ascii: "."): result += "_d"
            case UInt8(ascii: "-"): result += "_m"
            case UInt8(ascii: "_"): result += "_u"
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                result += "_"
                result.unicodeScalars.append(digits[Int(byte >> 4)])
                result.unicodeScalars.append(digits[Int(byte & 0xF)])
            }
        }
        return result
    }
}
