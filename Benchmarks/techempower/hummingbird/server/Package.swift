// swift-tools-version:6.1
import PackageDescription

// The Hummingbird 2 peer of Benchmarks/techempower: TFB's seven test types in Hummingbird's own style (Router,
// ResponseEncodable, PostgresClient as a service of the Application), on 127.0.0.1:PORT over HTTP/1.1, for nginx
// to proxy_pass to. A package of its own so that its dependencies never reach the library's.
// It sits in server/, not in hummingbird/ itself: a root package named by its folder "hummingbird" would clash
// with the hummingbird dependency (SwiftPM identifies packages by that name).
let package = Package(
    name: "techempower-hummingbird",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "techempower-hummingbird", targets: ["TechEmpowerHummingbird"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "TechEmpowerHummingbird",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            // As TFB's own Hummingbird 2 entry builds it (frameworks/Swift/hummingbird2).
            swiftSettings: [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
        )
    ],
    swiftLanguageModes: [.v6]
)
