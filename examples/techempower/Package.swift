// swift-tools-version:6.1
import PackageDescription

// The TechEmpower Framework Benchmarks app (techempower), a package of its own like examples/api: its
// dependency on PostgresNIO never reaches a user of the library. It depends on the library by path, as an app of
// yours would by URL. nginx/run-techempower builds and serves it.
let package = Package(
    name: "route-handlers-example-techempower",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "techempower", targets: ["TechEmpower"])
    ],
    dependencies: [
        .package(name: "swift-route-handlers", path: "../.."),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // postgres-nio's own: the event loop group its client runs on (Application.cores threads).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The app's sources are this folder's (main.swift, Database/); its routes are app/.
        .executableTarget(
            name: "TechEmpower",
            dependencies: [
                .product(name: "RouteHandlers", package: "swift-route-handlers"),
                .product(name: "RouteHandlersFastCGI", package: "swift-route-handlers"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: ".",
            exclude: ["app", "Tests", "README.md"],
            plugins: [.plugin(name: "RouteTreePlugin", package: "swift-route-handlers")]
        ),
        // Every test type's rules through real nginx and a real PostgreSQL, as TFB's verifier checks them.
        .testTarget(
            name: "TechEmpowerTests",
            dependencies: [
                "TechEmpower",
                .product(name: "RouteHandlersTestHarness", package: "swift-route-handlers"),
            ],
            path: "Tests/TechEmpowerTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
