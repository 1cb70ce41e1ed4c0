// swift-tools-version:6.1
// The Swift backend for the through-nginx benchmark: the hello route and a realistic JSON route, built in
// release against the repository's own package.
import PackageDescription

let package = Package(
    name: "bench-app",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "swift-route-handlers", path: "../../..")],
    targets: [
        .executableTarget(
            name: "bench-app",
            dependencies: [
                .product(name: "RouteHandlers", package: "swift-route-handlers"),
                .product(name: "RouteHandlersFastCGI", package: "swift-route-handlers"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
