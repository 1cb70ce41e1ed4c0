import Foundation

/// What `dev` needs to know of the package it serves, from `swift package describe`.
struct PackageInfo {
    /// The package's directory.
    var path: String
    /// The executable product to build and serve.
    var product: String
    /// The directory of the product's target, which holds `app/`.
    var targetDirectory: String
    /// The directories of the package's own non-test targets, watched for changes.
    var sourceDirectories: [String]

    /// Reads the package at `path`; picks the executable product whose target has an `app/` directory, or
    /// `product` when given.
    static func load(path: String, product: String?, scratch: String) throws -> PackageInfo {
        let output = scratch + "/describe.json"
        let process = try Subprocess("swift", ["package", "--package-path", path, "describe", "--type", "json"], output: output)
        process.wait(seconds: 600)
        let data = FileManager.default.contents(atPath: output) ?? Data()
        // Resolving may print progress lines before the JSON.
        guard process.exitStatus == 0, let start = data.firstIndex(of: UInt8(ascii: "{")),
            let description = try? JSONSerialization.jsonObject(with: data[start...]) as? [String: Any],
            let root = description["path"] as? String,
            let products = description["products"] as? [[String: Any]],
            let targets = description["targets"] as? [[String: Any]]
        else {
            throw DevError("\(path) is not a package SwiftPM can read:\n\(String(decoding: data, as: UTF8.self))")
        }
        var targetPaths: [String: String] = [:]
        var sources: [String] = []
        for target in targets {
            guard let name = target["name"] as? String, let relative = target["path"] as? String else { continue }
            targetPaths[name] = root + "/" + relative
            if (target["type"] as? String) != "test" { sources.append(root + "/" + relative) }
        }
        var candidates: [(product: String, directory: String)] = []
        for entry in products {
            guard let name = entry["name"] as? String, let type = entry["type"] as? [String: Any], type.keys.contains("executable"),
                let target = (entry["targets"] as? [String])?.first, let directory = targetPaths[target]
            else { continue }
            if let product, product != name { continue }
            if product != nil || FileManager.default.fileExists(atPath: directory + "/app") {
                candidates.append((name, directory))
            }
        }
        guard let chosen = candidates.first else {
            throw DevError(
                product.map { "The package has no executable product \"\($0)\"." }
                    ?? "No executable product of \(root) has an app/ directory beside its sources.")
        }
        guard candidates.count == 1 else {
            throw DevError(
                "Several products serve an app/ directory (\(candidates.map(\.product).joined(separator: ", "))): choose one with --product."
            )
        }
        return PackageInfo(path: root, product: chosen.product, targetDirectory: chosen.directory, sourceDirectories: sources)
    }
}
