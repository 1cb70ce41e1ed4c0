/// The files of a new app package (`route-handlers new`).
struct PackageTemplate {
    /// Where a new package finds swift-route-handlers by default. A placeholder until the project is published
    /// under this name: change the line in Package.swift, or create the package with `--dependency-path`.
    static let dependencyURL = "https://github.com/swift-route-handlers/swift-route-handlers.git"
    static let dependencyVersion = "0.1.0"

    /// The package, product and target name.
    var name: String
    /// A local checkout to depend on by path, instead of ``dependencyURL``.
    var dependencyPath: String?

    /// The module name SwiftPM derives from the target name (`my-app` is imported as `my_app`).
    var moduleName: String {
        String(name.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" ? Character($0) : "_" })
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
        }
    }

    /// Relative path and contents of each file, in the order they are listed to the user.
    var files: [(String, String)] {
        [
            ("Package.swift", packageManifest),
            ("Sources/\(name)/main.swift", mainSwift),
            ("Sources/\(name)/app/api/hello/route.swift", helloRoute),
            ("Tests/\(name)Tests/HelloTests.swift", helloTests),
            ("deploy/nginx.conf", nginxServerBlock),
            ("deploy/\(name).service", systemdService),
            ("deploy/\(name).socket", systemdSocket),
            (".sourcekit-lsp/config.json", sourceKitLSPConfig),
            (".gitignore", ".DS_Store\n.build*/\n.swiftpm/\nPackage.resolved\n"),
            ("README.md", readme),
        ]
    }

    var dependencyLine: String {
        if let dependencyPath {
            return ".package(name: \"swift-route-handlers\", path: \(swiftLiteral(dependencyPath))),"
        }
        return ".package(url: \"\(Self.dependencyURL)\", from: \"\(Self.dependencyVersion)\"),"
    }

    /// Editor support for the route files, which the target excludes (the plugin compiles them): sourcekit-lsp
    /// gives files no target owns these fallback settings, with which `import RouteHandlers` resolves against the
    /// last debug build, so completion, hover and jump-to-definition work in them. The path is relative to the
    /// directory sourcekit-lsp runs in: the package's, when it is the folder the editor opened.
    var sourceKitLSPConfig: String {
        """
        {
          "fallbackBuildSystem": {
            "swiftCompilerFlags": ["-I", ".build/debug/Modules"]
          }
        }

        """
    }

    var packageManifest: String {
        """
        // swift-tools-version:6.1
        import PackageDescription

        let package = Package(
            name: "\(name)",
            platforms: [.macOS(.v15)],
            products: [
                .executable(name: "\(name)", targets: ["\(name)"]),
            ],
            dependencies: [
                \(dependencyLine)
            ],
            targets: [
                // The app. Its routes are the files under app/, compiled into `Router.app()` by RouteTreePlugin.
                .executableTarget(
                    name: "\(name)",
                    dependencies: [
                        .product(name: "RouteHandlers", package: "swift-route-handlers"),
                        .product(name: "RouteHandlersFastCGI", package: "swift-route-handlers"),
                    ],
                    exclude: ["app"],
                    plugins: [.plugin(name: "RouteTreePlugin", package: "swift-route-handlers")]
                ),
                .testTarget(
                    name: "\(name)Tests",
                    dependencies: [
                        "\(name)",
                        .product(name: "RouteHandlersTesting", package: "swift-route-handlers"),
                    ]
                ),
            ],
            swiftLanguageModes: [.v6]
        )

        """
    }

    var mainSwift: String {
        """
        import RouteHandlers
        import RouteHandlersFastCGI

        // Routes are the files under app/: app/api/hello/route.swift answers GET /api/hello. RouteTreePlugin compiles
        // them into `Router.app()` at build time. Started with --listen (or by spawn-fcgi, systemd, or as a CGI
        // script); `route-handlers dev` serves it behind nginx and rebuilds it on save.
        await Application(router: .app()).run()

        """
    }

    var helloRoute: String {
        """
        import RouteHandlers

        /// GET /api/hello
        func GET() -> Response {
            .json(["message": "Hello, World!"])
        }

        """
    }

    var helloTests: String {
        """
        import Foundation
        import RouteHandlers
        import RouteHandlersTesting
        import Testing
        @testable import \(moduleName)

        @Test func helloAnswersJSON() async throws {
            try await Router.app().test { client in
                let response = try await client.get("/api/hello")
                #expect(response.status == .ok)
                #expect(response.headers["Content-Type"] == "application/json")
                let body = try JSONDecoder().decode([String: String].self, from: Data(response.body))
                #expect(body == ["message": "Hello, World!"])
            }
        }

        @Test func unknownPathIsNotFound() async throws {
            try await Router.app().test { client in
                let response = try await client.get("/api/nothing-here")
                #expect(response.status == .notFound)
            }
        }

        """
    }

    var nginxServerBlock: String {
        """
        # nginx in front of \(name): copy to /etc/nginx/conf.d/\(name).conf, set server_name, reload nginx.
        # The app listens on the socket deploy/\(name).socket holds.

        upstream \(moduleName)_app {
            server unix:/run/\(name)/\(name).sock;
            # Idle connections kept to the app cost it no thread, so the pool can be large.
            keepalive 256;
        }

        server {
            listen 80;
            server_name example.com;

            # The app answers 413 above its own limit (--max-body-size, 10m by default).
            client_max_body_size 64m;

            location / {
                fastcgi_pass \(moduleName)_app;
                fastcgi_keep_conn on;
                fastcgi_read_timeout 60s;
        \(NginxConfig.fastCGIParams(indent: "        "))
            }
        }

        """
    }

    /// The service: the master and a worker per CPU on the socket `systemdSocket` holds, telling systemd when it
    /// is ready and when a reload is done (sd_notify), confined as systemd recommends for a network daemon.
    var systemdService: String {
        """
        # \(name) under systemd: copy the release build to /usr/local/bin/\(name), this file to
        # /etc/systemd/system/\(name).service and \(name).socket beside it, then `systemctl enable --now \(name).socket`.
        [Unit]
        Description=\(name) (swift-route-handlers app)
        Documentation=https://github.com/swift-route-handlers/swift-route-handlers
        Requires=\(name).socket
        After=\(name).socket network.target

        [Service]
        # Readiness and reloads through sd_notify: `systemctl start` returns once every worker accepts, and
        # `systemctl reload` (SIGHUP: a chain reload, one worker at a time) once the new workers serve, or with the
        # reason in `systemctl status` when the reload was aborted and the old workers kept serving.
        # systemd < 253 (Debian 12) does not know notify-reload and keeps Type=notify, where ExecReload= is what
        # reload runs; newer systemd sends SIGHUP itself, and the master ignores the second one during a reload.
        Type=notify
        Type=notify-reload
        ExecReload=/bin/kill -HUP $MAINPID
        NotifyAccess=main
        # The socket comes from \(name).socket (LISTEN_FDS): it stays open across restarts, so a restart refuses no
        # connection (they wait in its backlog). Graceful stop on SIGTERM: requests in flight finish.
        ExecStart=/usr/local/bin/\(name) --processes auto
        TimeoutStopSec=40
        Restart=on-failure
        WatchdogSec=30s
        WorkingDirectory=/var/lib/\(name)
        StateDirectory=\(name)
        DynamicUser=yes

        # Confinement (systemd-analyze security \(name)).
        NoNewPrivileges=yes
        CapabilityBoundingSet=
        AmbientCapabilities=
        ProtectSystem=strict
        ProtectHome=yes
        PrivateTmp=yes
        PrivateDevices=yes
        ProtectProc=invisible
        ProtectKernelTunables=yes
        ProtectKernelModules=yes
        ProtectKernelLogs=yes
        ProtectControlGroups=yes
        ProtectClock=yes
        ProtectHostname=yes
        RestrictNamespaces=yes
        RestrictRealtime=yes
        RestrictSUIDSGID=yes
        LockPersonality=yes
        RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
        SystemCallArchitectures=native
        SystemCallFilter=@system-service
        SystemCallErrorNumber=EPERM
        UMask=0077

        [Install]
        WantedBy=multi-user.target

        """
    }

    /// The socket systemd holds for the service (socket activation): nginx (www-data) may connect.
    var systemdSocket: String {
        """
        # The FastCGI socket of \(name), held by systemd: /etc/systemd/system/\(name).socket.
        [Unit]
        Description=\(name) FastCGI socket

        [Socket]
        ListenStream=/run/\(name)/\(name).sock
        SocketMode=0660
        SocketGroup=www-data
        Backlog=1024

        [Install]
        WantedBy=sockets.target

        """
    }

    var readme: String {
        """
        # \(name)

        A [swift-route-handlers](\(Self.dependencyURL.replacingOccurrences(of: ".git", with: ""))) app: each
        `route.swift` under `Sources/\(name)/app/` answers the URL of its folder, as in Next.js's App Router.

        ```sh
        swift build && swift test          # build; test GET /api/hello in process
        swift run route-handlers dev       # http://127.0.0.1:3000 behind nginx (needs nginx), rebuilt on save
        curl http://127.0.0.1:3000/api/hello
        ```

        Add a route: create `Sources/\(name)/app/api/users/[id]/route.swift` with `func GET(_ request: Request,
        _ context: Context) -> Response` (`context.params.id` is the segment). `swift package routes` (or
        `swift run route-handlers routes`) prints the route table. A compiler error in a route file is reported at a
        link inside `.build` named after it (`app~api~hello~route.swift`, which opens the file);
        `swift run route-handlers dev` and `swift build 2>&1 | swift run route-handlers diagnostics` name the file itself.

        Editors: route files are excluded from the target (the plugin compiles them), so `.sourcekit-lsp/config.json`
        gives sourcekit-lsp (VS Code's Swift extension and other LSP editors) the settings for them: after a first
        `swift build`, completion, hover and jump-to-definition work for `RouteHandlers` in `route.swift`. Open this
        directory itself as the workspace folder.

        Deploy: `swift build -c release`, then `deploy/\(name).socket` and `deploy/\(name).service` (systemd: the socket,
        and the supervisor with a worker process per CPU on it, `Type=notify-reload`) and `deploy/nginx.conf` (the
        nginx server block in front of it).

        """
    }

    private func swiftLiteral(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
