// swift-tools-version:6.1
import PackageDescription

// The example apps, a package of their own so that their dependencies (swift-crypto, SQLite) never reach a user
// of the library. They depend on the library by path, as an app of yours would by URL.
let package = Package(
    name: "route-handlers-examples",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "example-api", targets: ["ExampleAPI"]),
        .executable(name: "hello-cgi", targets: ["HelloCGI"]),
    ],
    dependencies: [
        .package(name: "swift-route-handlers", path: ".."),
        // HMAC-SHA256 for webhook signatures, SHA-256 for uploaded files.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // PostgreSQL, used instead of SQLite when DATABASE_URL is set (several hosts sharing one database).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // SQLite (the system library, through pkg-config) for the example's users and posts.
        .systemLibrary(
            name: "CSQLite",
            path: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .executableTarget(
            name: "ExampleAPI",
            dependencies: [
                .product(name: "RouteHandlers", package: "swift-route-handlers"),
                .product(name: "RouteHandlersFastCGI", package: "swift-route-handlers"),
                "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "api",
            // nginx-routes.conf: the nginx include generated from app/ (route-tree-gen nginx), for nginx/run-example.
            exclude: ["app", "nginx-routes.conf"],
            plugins: [.plugin(name: "RouteTreePlugin", package: "swift-route-handlers")]
        ),
        // A CGI script (one process per request) that also runs under FastCGI.
        .executableTarget(
            name: "HelloCGI",
            dependencies: [
                .product(name: "RouteHandlers", package: "swift-route-handlers"),
                .product(name: "RouteHandlersFastCGI", package: "swift-route-handlers"),
            ],
            path: "cgi",
            exclude: ["app"],
            plugins: [.plugin(name: "RouteTreePlugin", package: "swift-route-handlers")]
        ),
        // The examples' contracts, through real nginx (and fcgiwrap for hello-cgi). Harness/ is the root
        // package's Tests/Harness, linked.
        .testTarget(
            name: "ExampleAPITests",
            dependencies: [
                "ExampleAPI", "HelloCGI",
                // Signs webhook requests to the example.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/ExampleAPITests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
