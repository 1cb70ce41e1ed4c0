import Foundation
import OpenAPIRuntime
import RouteHandlers
import RouteHandlersOpenAPI

extension Router {
    /// The app: the routes of app/ (file-based, `Router.app()`) and, beside them, the OpenAPI operations under
    /// the document's server URL, `/api`.
    static func greetingAPI() throws -> Router {
        var router = Router.app()
        try router.openAPI { transport in
            try GreetingService().registerHandlers(
                on: transport, serverURL: Servers.Server1.url(),
                // Compact JSON, as the rest of the app answers (the generator's default is pretty-printed).
                configuration: Configuration(jsonEncodingOptions: [.sortedKeys]))
        }
        return router
    }
}
