// swift-tools-version:6.1
import PackageDescription

// The CGI example (hello-cgi), a package of its own: a CGI script (one process per request) that also runs under
// FastCGI. It depends on the library by path, as an app of yours would by URL, and on nothing else.
let package = Package(
    name: "route-handlers-example-cgi",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hello-cgi", targets: ["HelloCGI"])
    ],
    dependencies: [
        .package(name: "swift-route-handlers", path: "../..")
    ],
    targets: [
        // The app's source is this folder's main.swift; its routes are app/.
        .executableTarget(
            name: "HelloCGI",
            dependencies: [
                .product(name: "RouteHandlers", package: "swift-route-handlers"),
                .product(name: "RouteHandlersFastCGI", package: "swift-route-handlers"),
            ],
            path: ".",
            exclude: ["app", "Tests"],
            plugins: [.plugin(name: "RouteTreePlugin", package: "swift-route-handlers")]
        ),
        // hello-cgi run as a CGI script the way a CGI host runs it, and as a FastCGI server.
        .testTarget(
            name: "HelloCGITests",
            dependencies: [
                "HelloCGI",
                // The project's integration-test harness: processes, CGI and FastCGI clients.
                .product(name: "RouteHandlersTestHarness", package: "swift-route-handlers"),
            ],
            path: "Tests/HelloCGITests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
