import ArgumentParser

/// `route-handlers`: creates an app package, serves it while you edit it, prints its route table.
@main
struct RouteHandlersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route-handlers",
        abstract: "The developer loop of swift-route-handlers apps.",
        discussion: """
            route-handlers new my-app     creates a package with app/api/hello/route.swift, a test and deploy files
            route-handlers dev            builds, serves it behind nginx on http://127.0.0.1:3000 and rebuilds on save
            route-handlers routes         prints the route table of the package's app/ directories
            """,
        subcommands: [New.self, Dev.self, Routes.self, MapDiagnostics.self])
}
