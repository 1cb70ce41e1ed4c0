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
        .executable(name: "greeting-api", targets: ["GreetingAPI"]),
    ],
    dependencies: [
        .package(name: "swift-route-handlers", path: ".."),
        // HMAC-SHA256 for webhook signatures, SHA-256 for uploaded files.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // PostgreSQL, used instead of SQLite when DATABASE_URL is set (several hosts sharing one database).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // greeting-api: its APIProtocol is generated from openapi.yaml at build time.
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
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
        // An API generated from openapi.yaml by swift-openapi-generator's build plugin, served by
        // RouteHandlersOpenAPI beside file-based routes (app/).
        .executableTarget(
            name: "GreetingAPI",
            dependencies: [
                .product(name: "RouteHandlers", package: "swift-route-handlers"),
                .product(name: "RouteHandlersFastCGI", package: "swift-route-handlers"),
                .product(name: "RouteHandlersOpenAPI", package: "swift-route-handlers"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            path: "openapi",
            exclude: ["app"],
            plugins: [
                .plugin(name: "RouteTreePlugin", package: "swift-route-handlers"),
                .plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator"),
            ]
        ),
        // The examples' contracts, through real nginx (and fcgiwrap for hello-cgi). Harness/ is the root
        // package's Tests/Harness, linked.
        .testTarget(
            name: "ExampleAPITests",
            dependencies: [
                "ExampleAPI", "HelloCGI", "GreetingAPI",
                // greeting-api's tests run in process and live over FastCGI.
                .product(name: "RouteHandlersTesting", package: "swift-route-handlers"),
                // Signs webhook requests to the example.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/ExampleAPITests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
