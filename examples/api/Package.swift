// swift-tools-version:6.1
import PackageDescription

// The example API (example-api), a package of its own: its dependencies (swift-crypto, PostgresNIO, SQLite) never
// reach a user of the library, and building it builds nothing the other examples need (nginx/run-example builds
// this package alone). It depends on the library by path, as an app of yours would by URL.
let package = Package(
    name: "route-handlers-example-api",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "example-api", targets: ["ExampleAPI"])
    ],
    // PostgreSQL (DATABASE_URL, the several-host setup of nginx/run-cluster) is on by default. nginx/run-example
    // builds without it when DATABASE_URL is unset (`--disable-default-traits`): PostgresNIO brings SwiftNIO and a
    // second BoringSSL, about half of a first build.
    traits: [
        .trait(name: "PostgreSQL", description: "The PostgreSQL store, used when DATABASE_URL is set (PostgresNIO)."),
        .default(enabledTraits: ["PostgreSQL"]),
    ],
    dependencies: [
        .package(name: "swift-route-handlers", path: "../.."),
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
        // The app's sources are this folder's (main.swift, Database/, Models/, Webhooks/); its routes are app/.
        .executableTarget(
            name: "ExampleAPI",
            dependencies: [
                .product(name: "RouteHandlers", package: "swift-route-handlers"),
                .product(name: "RouteHandlersFastCGI", package: "swift-route-handlers"),
                "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
            ],
            path: ".",
            // nginx-routes.conf: the nginx include generated from app/ (route-tree-gen nginx), for nginx/run-example.
            exclude: ["app", "nginx-routes.conf", "nginx-routes-http.conf", "Tests"],
            plugins: [.plugin(name: "RouteTreePlugin", package: "swift-route-handlers")]
        ),
        // The example's contract through real nginx, and behind Apache, lighttpd, HAProxy and Caddy, on SQLite
        // and PostgreSQL; the cluster of nginx/run-cluster (as root).
        .testTarget(
            name: "ExampleAPITests",
            dependencies: [
                "ExampleAPI",
                // The project's integration-test harness: processes, nginx, PostgreSQL and the other servers, clients.
                .product(name: "RouteHandlersTestHarness", package: "swift-route-handlers"),
                // Signs webhook requests to the example.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/ExampleAPITests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
