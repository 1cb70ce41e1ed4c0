import Foundation
import RouteTreeGenerator

#if canImport(Glibc)
import Glibc
#endif

/// Runs `swift build` (debug) for the app's product and reads its errors.
struct Builder {
    let packagePath: String
    let product: String
    let outputPath: String

    enum Outcome {
        case succeeded(seconds: Double)
        /// The errors at the user's files (route-source links mapped back), and the end of the output for
        /// failures that are not compiler errors (a linker or manifest error).
        case failed(errors: [BuildDiagnostic], output: String)
        /// `dev` is stopping.
        case interrupted
    }

    /// Builds; `stopRequested` is polled while waiting, and stops the build when it turns true.
    func build(stopRequested: () -> Bool) throws -> Outcome {
        let started = Date()
        let process = try Subprocess(
            "swift", ["build", "--package-path", packagePath, "--product", product], output: outputPath)
        while process.isRunning {
            if stopRequested() {
                process.stop(SIGINT, grace: 5)
                return .interrupted
            }
            usleep(50_000)
        }
        if process.exitStatus == 0 { return .succeeded(seconds: Date().timeIntervalSince(started)) }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).suffix(40)
        return .failed(errors: BuildDiagnostic.errors(in: output), output: BuildDiagnostic.mappingPaths(in: lines.joined(separator: "\n")))
    }

    /// The directory `swift build` puts the products in.
    func binPath() throws -> String {
        let path = outputPath + ".bin-path"
        let process = try Subprocess("swift", ["build", "--package-path", packagePath, "--show-bin-path"], output: path)
        process.wait(seconds: 600)
        let text = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        guard process.exitStatus == 0, let line = text.split(separator: "\n").last(where: { $0.hasPrefix("/") }) else {
            throw DevError("swift build --show-bin-path failed:\n\(text)")
        }
        return String(line)
    }
}
