// swift-tools-version:6.1
import PackageDescription

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

let package = Package(
    name: "swift-route-handlers",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RouteHandlers", targets: ["RouteHandlers"]),
        .library(name: "RouteHandlersFastCGI", targets: ["RouteHandlersFastCGI"]),
        .library(name: "RouteHandlersTesting", targets: ["RouteHandlersTesting"]),
        .library(name: "RouteHandlersOpenAPI", targets: ["RouteHandlersOpenAPI"]),
        // Test support, not the library: this project's own integration-test harness (real nginx, cgi-fcgi,
        // spawn-fcgi, fcgiwrap, other web servers and PostgreSQL peers; raw FastCGI clients; waiting helpers).
        // A product only because the example packages' tests (examples/*) use it too, and another package can
        // depend on products alone. No stability promise; an app's own tests want RouteHandlersTesting.
        .library(name: "RouteHandlersTestHarness", targets: ["RouteHandlersTestHarness"]),
        .executable(name: "route-tree-gen", targets: ["route-tree-gen"]),
        // The developer's command line: `route-handlers new`, `route-handlers dev`, `route-handlers routes`.
        .executable(name: "route-handlers", targets: ["route-handlers"]),
        .plugin(name: "RouteTreePlugin", targets: ["RouteTreePlugin"]),
        .plugin(name: "RouteTablePlugin", targets: ["RouteTablePlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    ],
    targets: [
        // epoll, eventfd and two GNU extensions that Swift's Glibc module does not export (headers only).
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        // Request, Response, routing and dispatch. No I/O, no C.
        .target(
            name: "RouteHandlers",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Sockets, worker threads, the FastCGI and CGI gateways, process lifecycle.
        .target(
            name: "RouteHandlersFastCGI",
            dependencies: [
                "RouteHandlers",
                "CLinux",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The test client: in process, or live over FastCGI to a real server on a temporary unix socket.
        .target(
            name: "RouteHandlersTesting",
            dependencies: ["RouteHandlers", "RouteHandlersFastCGI"]
        ),
        // An OpenAPI `ServerTransport`: the handlers of a generated `APIProtocol` as routes of a Router.
        .target(
            name: "RouteHandlersOpenAPI",
            dependencies: [
                "RouteHandlers",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // File-based routing: scans app/, validates it with RouteHandlers' own grammar, emits Swift. Build-time only.
        .target(
            name: "RouteTreeGenerator",
            dependencies: ["RouteHandlers"]
        ),
        .executableTarget(
            name: "route-tree-gen",
            dependencies: [
                "RouteTreeGenerator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/route-tree-gen"
        ),
        // The developer's command line. Shares the generator's code through RouteTreeGenerator and serves its dev
        // error page with the package's own FastCGI server.
        .executableTarget(
            name: "route-handlers",
            dependencies: [
                "RouteTreeGenerator", "RouteHandlers", "RouteHandlersFastCGI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/route-handlers"
        ),
        // Compiles a target's app/ directory; use with `exclude: ["app"], plugins: ["RouteTreePlugin"]`.
        .plugin(
            name: "RouteTreePlugin",
            capability: .buildTool(),
            dependencies: ["route-tree-gen"],
            path: "Sources/RouteTreePlugin"
        ),
        // `swift package routes`: prints the route table of each target with an app/ directory.
        .plugin(
            name: "RouteTablePlugin",
            capability: .command(
                intent: .custom(verb: "routes", description: "Prints the route table (URL, methods, source) of app/ directories")
            ),
            dependencies: ["route-tree-gen"],
            path: "Sources/RouteTablePlugin"
        ),
        // The app the server tests start as a process (spawn-fcgi, --listen, the supervisor, CGI): not a product.
        .executableTarget(
            name: "route-handlers-fixture",
            dependencies: [
                "FixtureRoutes", "RouteHandlers", "RouteHandlersFastCGI",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/Fixture"
        ),
        // The same app as another build (/api/version answers "2"): what a deploy puts on disk in reload tests.
        .executableTarget(
            name: "route-handlers-fixture-v2",
            dependencies: ["FixtureRoutes", "RouteHandlersFastCGI"],
            path: "Tests/FixtureV2"
        ),
        .target(
            name: "FixtureRoutes",
            dependencies: ["RouteHandlers"],
            path: "Tests/FixtureRoutes"
        ),
        // The integration-test harness (Tests/Harness): processes, hosts, clients and paths, in Foundation only, so
        // that it adds no dependency. The root package's tests and every example package's tests depend on it.
        .target(
            name: "RouteHandlersTestHarness",
            path: "Tests/Harness"
        ),
        .testTarget(
            name: "RouteHandlersTests",
            dependencies: ["RouteHandlers", "RouteHandlersTesting", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "RouteTreeGeneratorTests",
            dependencies: ["RouteTreeGenerator", "RouteHandlers"],
            exclude: ["Fixtures"]
        ),
        // Serves a generated app/ tree through the in-process client.
        .testTarget(
            name: "FileRoutingTests",
            dependencies: ["RouteHandlers", "RouteHandlersTesting"],
            exclude: ["app"],
            plugins: ["RouteTreePlugin"]
        ),
        .testTarget(
            name: "RouteHandlersFastCGITests",
            dependencies: [
                "RouteHandlersFastCGI", "RouteHandlers", "RouteHandlersTesting", "FixtureRoutes", "route-handlers-fixture",
                "route-handlers-fixture-v2", "RouteHandlersTestHarness",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        // Drives the route-handlers command line as a user would: new, dev (nginx, rebuilds, the error page).
        .testTarget(
            name: "RouteHandlersCLITests",
            dependencies: [
                "route-handlers", "RouteTreeGenerator", "RouteHandlersTestHarness",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RouteHandlersOpenAPITests",
            dependencies: [
                "RouteHandlersOpenAPI", "RouteHandlers", "RouteHandlersTesting",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The documentation plugin (`swift package generate-documentation`), only when asked for: it is not needed to build
// or test, and every user of the package would otherwise resolve it. `.ci/docs` sets ROUTE_HANDLERS_DOCS; the
// Swift Package Index sets SPI_GENERATE_DOCS.
let environment = ProcessInfo.processInfo.environment
if environment["ROUTE_HANDLERS_DOCS"] != nil || environment["SPI_GENERATE_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"))
}
