import Foundation
import RouteHandlers
import RouteHandlersFastCGI

// greeting-api: an API generated from openapi.yaml (swift-openapi-generator's build plugin), served through
// FastCGI or CGI like any route-handlers app, beside file-based routes from app/.
//
//   GET /api/greet?name=Ada → {"message":"Hello, Ada!"}       (the OpenAPI operation)
//   GET /api/health         → {"status":"ok"}                 (app/api/health/route.swift)
let router: Router
do {
    router = try .greetingAPI()
} catch {
    FileHandle.standardError.write(Data("error: greeting-api's OpenAPI routes are invalid: \(error)\n".utf8))
    exit(1)
}
await Application(router: router).run()
