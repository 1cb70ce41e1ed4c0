// swift-tools-version:6.1
import PackageDescription

// The OpenAPI example (greeting-api), a package of its own: its APIProtocol is generated from openapi.yaml at
// build time by swift-openapi-generator's build plugin (which brings OpenAPIKit and Yams into this package's
// build only), and RouteHandlersOpenAPI serves it beside file-based routes (app/). It depends on the library by
// path, as an app of yours would by URL.
let package = Package(
    name: "route-handlers-example-openapi",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "greeting-api", targets: ["GreetingAPI"])
    ],
    dependencies: [
        .package(name: "swift-route-handlers", path: "../.."),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
    ],
    targets: [
        // The app's sources are this folder's Swift files, with openapi.yaml and openapi-generator-config.yaml for
        // the generator; its file-based routes are app/.
        .executableTarget(
            name: "GreetingAPI",
            dependencies: [
                .product(name: "RouteHandlers", package: "swift-route-handlers"),
                .product(name: "RouteHandlersFastCGI", package: "swift-route-handlers"),
                .product(name: "RouteHandlersOpenAPI", package: "swift-route-handlers"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            path: ".",
            exclude: ["app", "Tests"],
            plugins: [
                .plugin(name: "RouteTreePlugin", package: "swift-route-handlers"),
                .plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator"),
            ]
        ),
        // greeting-api's contract in process and live over FastCGI (RouteHandlersTesting), and through real nginx.
        .testTarget(
            name: "GreetingAPITests",
            dependencies: [
                "GreetingAPI",
                .product(name: "RouteHandlersTesting", package: "swift-route-handlers"),
                // The project's integration-test harness: processes, nginx, clients.
                .product(name: "RouteHandlersTestHarness", package: "swift-route-handlers"),
            ],
            path: "Tests/GreetingAPITests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
