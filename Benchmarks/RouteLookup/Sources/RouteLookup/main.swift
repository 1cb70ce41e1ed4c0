import CMallocCounter
import Foundation
@_spi(Internal) import Hummingbird
@_spi(Internal) import RouteHandlers
import RoutingKit

// Lookups per second of three routers on the GitHub API route set: every route once (dynamic segments filled
// with sample values), and the static routes alone. Same process, same paths, each router given the raw path
// string as a server would (RoutingKit needs it split first, as Vapor does).

let routeFile = Bundle.module.url(forResource: "routes-github", withExtension: "txt")!
let lines = try String(contentsOf: routeFile, encoding: .utf8).split(separator: "\n")
/// Distinct paths in `:param` form; methods are dispatched after lookup by all three, so they are left out.
var seen: Set<Substring> = []
let patterns: [Substring] = lines.compactMap { line in
    guard let path = line.split(separator: " ").last, seen.insert(path).inserted else { return nil }
    return path
}

/// A request path for a pattern: each `:name` becomes a sample value.
func samplePath(_ pattern: Substring) -> String {
    pattern.split(separator: "/").map { $0.hasPrefix(":") ? "v\($0.count)x" : String($0) }.reduce("") { $0 + "/" + $1 }
}
let allPaths = patterns.map(samplePath)
let staticPaths = patterns.filter { !$0.contains(":") }.map(samplePath)

// RouteHandlers: `[name]` segments. The GitHub set names one position differently in places (`:owner` vs
// `:user`); the App Router refuses that, so a position keeps the first name it was given (lookup cost is the same).
var builder = RouteTreeBuilder<Int>()
var namesAt: [String: String] = [:]
for (index, pattern) in patterns.enumerated() {
    var prefix = ""
    var segments: [String] = []
    for part in pattern.split(separator: "/") {
        if part.hasPrefix(":") {
            let name = namesAt[prefix + "/:", default: String(part.dropFirst())]
            namesAt[prefix + "/:"] = name
            segments.append("[\(name)]")
            prefix += "/:"
        } else {
            segments.append(String(part))
            prefix += "/" + part
        }
    }
    try builder.insert(RoutePattern("/" + segments.joined(separator: "/")), index)
}
let tree = builder.freeze()

let hummingbirdBuilder = RouterPathTrieBuilder<Int>()
for (index, pattern) in patterns.enumerated() {
    hummingbirdBuilder.addEntry(RouterPath(String(pattern)), value: index)
}
let hummingbird = RouterTrie(base: hummingbirdBuilder)

let routingKit = TrieRouter(Int.self)
for (index, pattern) in patterns.enumerated() {
    routingKit.register(index, at: String(pattern).pathComponents)
}

/// Each router's lookup, returning the route index (or -1) so that the work cannot be optimised away.
let routers: [(name: String, lookup: (String) -> Int)] = [
    // What the loop itself costs, to subtract by eye.
    ("(harness: path.utf8.count)", { path in path.utf8.count }),
    ("RouteHandlers RouteTree", { path in (try? tree.resolve(pathname: path))?.route.value ?? -1 }),
    ("Hummingbird 2.28.1 RouterTrie", { path in hummingbird.resolve(path)?.value ?? -1 }),
    (
        "RoutingKit 4.9.3 TrieRouter",
        { path in
            var parameters = RoutingKit.Parameters()
            return routingKit.route(path: path.split(separator: "/").map(String.init), parameters: &parameters) ?? -1
        }
    ),
]

// Every router must find every path, to the same route.
for router in routers.dropFirst() {
    for (index, path) in allPaths.enumerated() where router.lookup(path) != index {
        fatalError("\(router.name) resolves \(path) to \(router.lookup(path)), not route \(index)")
    }
}

func measure(_ lookup: (String) -> Int, _ paths: [String]) -> (nanoseconds: Double, allocations: Double) {
    var checksum = 0
    var best = Double.infinity
    var allocations = 0.0
    for _ in 0..<5 {
        var lookups = 0
        let mallocsBefore = malloc_counter_read()
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed: UInt64 = 0
        while elapsed < 300_000_000 {
            for _ in 0..<50 {
                for path in paths { checksum &+= lookup(path) }
            }
            lookups += 50 * paths.count
            elapsed = DispatchTime.now().uptimeNanoseconds - start
        }
        allocations = Double(malloc_counter_read() - mallocsBefore) / Double(lookups)
        best = min(best, Double(elapsed) / Double(lookups))
    }
    if checksum == 42 { print("") }
    return (best, allocations)
}

var host = ProcessInfo.processInfo.hostName
if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8).split(separator: "\n").first(where: {
    $0.hasPrefix("model name")
}) {
    host = cpu.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? host
}
print("Route lookup, GitHub API route set: \(lines.count) routes, \(patterns.count) distinct paths (\(staticPaths.count) static)")
print("CPU: \(host), \(ProcessInfo.processInfo.activeProcessorCount) cores; best of 5 runs of 0.3 s each")
print("")
for (label, paths) in [("all paths", allPaths), ("static paths", staticPaths)] {
    print(label)
    for router in routers {
        let (nanoseconds, allocations) = measure(router.lookup, paths)
        let name = router.name.padding(toLength: 30, withPad: " ", startingAt: 0)
        print(
            "  \(name) \(String(format: "%7.1f", nanoseconds)) ns/lookup  \(String(format: "%12.0f", 1e9 / nanoseconds)) lookups/s  \(String(format: "%5.2f", allocations)) allocations/lookup"
        )
    }
}
