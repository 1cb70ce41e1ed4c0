import Logging
import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

extension Application {
    /// `<executable> export DIRECTORY [--pass-include FILE]`: renders every force-static route (each path of
    /// its `generateStaticParams()`) in process and writes the answers with an nginx include (``StaticSite``).
    /// Exit status 0 when written, 1 when a route failed, 64 for bad arguments.
    func runExport(_ arguments: [String], environment: [String: String]) async -> Never {
        var directory: String?
        var passInclude: String?
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--pass-include": passInclude = rest.popFirst()
            case "-h", "--help": Self.exportUsage(status: 0)
            default: if directory == nil, !argument.hasPrefix("-") { directory = argument } else { Self.exportUsage(status: 64) }
            }
        }
        guard let directory, passInclude != "" else { Self.exportUsage(status: 64) }
        guard let renderStatic else { Self.fail("export needs an app built from a Router: this one serves a responder of its own.") }
        Self.bootstrapLogging(environment: environment)
        do {
            let answers = try await withServices { try await renderStatic(environment) }
            var site = StaticSite(directory: Self.absolute(directory))
            if let passInclude { site.passInclude = passInclude }
            try site.write(answers)
            let line =
                "exported \(answers.count) answer\(answers.count == 1 ? "" : "s") to \(site.directory) (include \(site.directory)/nginx-static.conf)\n"
            Array(line.utf8).withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) }
            exit(0)
        } catch {
            Self.fail("export: \(error)")
        }
    }

    /// Runs `body` with the app's services running (a static route may read a database), then cancels them.
    private func withServices<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            for service in services {
                group.addTask {
                    try await service.run()
                    return nil
                }
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/" + path
    }

    static func exportUsage(status: Int32) -> Never {
        let text = """
            usage: <app> export DIRECTORY [--pass-include FILE]
              Renders each force-static route (let dynamic = .forceStatic) into DIRECTORY/files and writes
              DIRECTORY/nginx-static.conf, to include in the server block beside the generated route include.
              --pass-include FILE  the include with the fastcgi_pass to the app (default route-handlers-fastcgi.conf)

            """
        Array(text.utf8).withUnsafeBytes { _ = write(status == 0 ? 1 : 2, $0.baseAddress, $0.count) }
        exit(status)
    }
}
