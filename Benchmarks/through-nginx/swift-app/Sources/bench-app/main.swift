import RouteHandlers
import RouteHandlersFastCGI

struct UserInput: Decodable {
    var name: String
    var email: String
}

struct User: Encodable {
    var id: Int
    var name: String
    var email: String
}

var router = Router()
router.get("/api/hello") { _, _ in
    .json(["message": "Hello, World!"])
}
router.put("/api/users/[id]") { request, context in
    guard let id = context.params.id.flatMap({ Int($0) }) else { throw HTTPError(.notFound) }
    let input = try await request.json(UserInput.self)
    guard !input.name.isEmpty else { throw HTTPError(.unprocessableContent, "\"name\" must not be empty.") }
    guard input.email.contains("@") else { throw HTTPError(.unprocessableContent, "\"email\" is not an email address.") }
    return .json(User(id: id, name: input.name, email: input.email))
}
await Application(router: router).run()
