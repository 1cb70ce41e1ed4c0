import OpenAPIRuntime

/// The implementation of the operations openapi.yaml declares (`APIProtocol` is generated from it at build time
/// by swift-openapi-generator's build plugin).
struct GreetingService: APIProtocol {
    /// GET /api/greet?name=Ada → `{"message":"Hello, Ada!"}`; without a name, "Hello, Stranger!".
    func getGreeting(_ input: Operations.getGreeting.Input) async throws -> Operations.getGreeting.Output {
        let name = input.query.name ?? "Stranger"
        return .ok(.init(body: .json(.init(message: "Hello, \(name)!"))))
    }
}
