// swift-tools-version:6.1
import PackageDescription

// Route lookup throughput of RouteHandlers' RouteTree against Hummingbird's and RoutingKit's routers, on the same
// route set and paths, in one process. A package of its own, so that the main package never builds them.
//
//     swift run -c release --package-path Benchmarks/RouteLookup
let package = Package(
    name: "RouteLookup",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-route-handlers", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/vapor/routing-kit.git", exact: "4.9.3"),
    ],
    targets: [
        // Counts malloc/calloc/realloc calls (glibc), to check that a static lookup allocates nothing.
        .target(name: "CMallocCounter", path: "Sources/CMallocCounter"),
        .executableTarget(
            name: "RouteLookup",
            dependencies: [
                "CMallocCounter",
                .product(name: "RouteHandlers", package: "swift-route-handlers"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "RoutingKit", package: "routing-kit"),
            ],
            path: "Sources/RouteLookup",
            resources: [.copy("../../routes-github.txt")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
