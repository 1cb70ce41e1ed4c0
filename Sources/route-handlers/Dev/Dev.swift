import ArgumentParser
import Foundation

/// `route-handlers dev`: the app behind nginx on 127.0.0.1, rebuilt and swapped in on every save.
struct Dev: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Builds the app, serves it behind nginx on 127.0.0.1 and rebuilds it when a source is saved.",
        discussion: """
            Run it in the package's directory. Each good build is started beside the running one and nginx is \
            switched to it by a graceful reload before the old one is stopped (SIGTERM: requests in flight \
            finish), so no request is refused. While a build is broken, every request gets 500 with the \
            compiler's errors at the route files' own paths and lines: an HTML page for browsers, problem+json \
            otherwise. The terminal shows the route table after each good build and the errors after each bad \
            one. Ctrl-C stops nginx and the app.

            The app runs supervised (--processes 2 by default: the supervisor keeps two workers on its socket and \
            stops them gracefully on SIGTERM). Needs nginx (found in PATH or /usr/sbin). The app runs with ROUTE_HANDLERS_DEV=1 and the package's \
            directory as its working directory.
            """)

    @Option(help: ArgumentHelp("The port nginx listens on, on 127.0.0.1.", valueName: "port"))
    var port: Int = 3000

    @Option(help: ArgumentHelp("The package's directory.", valueName: "directory"))
    var packagePath: String = "."

    @Option(
        help: ArgumentHelp(
            "The executable product to serve. Default: the one whose target has an app/ directory.", valueName: "name"))
    var product: String?

    @Option(
        help: ArgumentHelp(
            "Worker processes of the app, under its supervisor (as in production); 1 runs it without one.", valueName: "count"))
    var processes: Int = 2

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1-65535.") }
        guard (1...64).contains(processes) else { throw ValidationError("--processes must be 1-64.") }
    }

    func run() throws {
        let session = try DevSession(packagePath: packagePath, product: product, port: port, processes: processes)
        do {
            try session.run()
        } catch {
            session.stopEverything()
            throw error
        }
        session.stopEverything()
    }
}
