import HTTPTypes
import RouteHandlers
import RouteHandlersTesting
import Synchronization
import Testing

/// A middleware that appends its name to `X-Trace` on the way out.
struct Tracer: RouteMiddleware {
    let name: String

    init(_ name: String) {
        self.name = name
    }

    func handle(_ request: Request, context: Context, next: MiddlewareNext) async throws -> Response {
        var response = try await next(request, context)
        response.headers.append("X-Trace", name)
        return response
    }
}

struct CurrentUser: Sendable, Equatable {
    var name: String
}

/// Middleware on the programmatic router: order, scope, short-circuits, errors and typed values.
@Suite struct MiddlewareTests {
    @Test func chainOrderIsGlobalThenPrefixThenRouteOutermostFirst() async throws {
        let order = Mutex<[String]>([])
        func recording(_ name: String) -> MiddlewareFunction {
            MiddlewareFunction(source: name) { request, context, next in
                order.withLock { $0.append(name + ">") }
                let response = try await next(request, context)
                order.withLock { $0.append("<" + name) }
                return response
            }
        }
        var router = Router()
        router.use("/api", recording("prefix"))
        router.use(recording("global"))
        router.add("/api/x", .get, middleware: [recording("own1"), recording("own2")]) { _, _ in
            order.withLock { $0.append("handler") }
            return .text("x")
        }
        try await router.test { (client: TestClient) throws in
            #expect(try await client.get("/api/x").text == "x")
        }
        #expect(order.withLock { $0 } == ["global>", "prefix>", "own1>", "own2>", "handler", "<own2", "<own1", "<prefix", "<global"])
    }

    @Test func prefixMiddlewareCoversWholeSegmentsOnly() async throws {
        var router = Router()
        router.use("/api/admin", Tracer("admin"))
        router.get("/api/admin") { _, _ in .text("a") }
        router.get("/api/admin/users/[id]") { _, _ in .text("b") }
        router.get("/api/administrators") { _, _ in .text("c") }
        try await router.test { (client: TestClient) throws in
            #expect(try await client.get("/api/admin").headers.getAll("X-Trace") == ["admin"])
            #expect(try await client.get("/api/admin/users/1").headers.getAll("X-Trace") == ["admin"])
            #expect(try await client.get("/api/administrators").headers.getAll("X-Trace") == [])
            // Only global middleware runs for a request that matches no route.
            #expect(try await client.get("/api/admin/nothing").headers.getAll("X-Trace") == [])
        }
    }

    @Test func globalMiddlewareRunsFor404_405RedirectsAndAutomaticOptions() async throws {
        var router = Router()
        router.use { request, context, next in
            var response: Response
            do { response = try await next(request, context) } catch { response = context.response(for: error) }
            response.headers.set("X-Request-Id", context.requestID)
            return response
        }
        router.get("/x") { _, _ in .text("x") }
        try await router.test { (client: TestClient) throws in
            for (method, target, status) in [
                (HTTPRequest.Method.get, "/x", 200), (.get, "/missing", 404), (.post, "/x", 405), (.get, "/x/", 308),
                (.options, "/x", 204), (.head, "/x", 200), (.get, "/%zz", 400),
            ] {
                let response = try await client.execute(method, target)
                #expect(response.status.code == status, "\(method) \(target)")
                #expect(response.headers.get("X-Request-Id")?.isEmpty == false, "\(method) \(target)")
            }
            #expect(try await client.execute(.post, "/x").headers.get("Allow") == "GET, HEAD, OPTIONS")
        }
    }

    @Test func middlewareCanAnswerWithoutCallingNext() async throws {
        let called = Mutex(false)
        var router = Router()
        router.use("/private", MiddlewareFunction { _, _, _ in .text("stopped", status: .forbidden) })
        router.get("/private/x") { _, _ in
            called.withLock { $0 = true }
            return .text("secret")
        }
        try await router.test { (client: TestClient) throws in
            let response = try await client.get("/private/x")
            #expect(response.status == .forbidden)
            #expect(response.text == "stopped")
        }
        #expect(called.withLock { $0 } == false)
    }

    @Test func middlewareChangesTheRequestBeforeAndTheResponseAfter() async throws {
        var router = Router()
        router.use { request, context, next in
            var request = request
            request.headers.set("X-Injected", "yes")
            var response = try await next(request, context)
            response.status = .accepted
            return response
        }
        router.get("/echo") { request, _ in .text(request.headers.get("X-Injected") ?? "none") }
        try await router.test { (client: TestClient) throws in
            let response = try await client.get("/echo")
            #expect(response.text == "yes")
            #expect(response.status == .accepted)
        }
    }

    @Test func errorsFromHandlersReachMiddlewareAndAreMappedLikeTheResponder() async throws {
        struct Unexpected: Error {}
        let caught = Mutex<[String]>([])
        var router = Router()
        router.use { request, context, next in
            do {
                return try await next(request, context)
            } catch {
                caught.withLock { $0.append(String(describing: type(of: error))) }
                var response = context.response(for: error)
                response.headers.set("X-Caught", "1")
                return response
            }
        }
        router.get("/http") { _, _ in throw HTTPError(.conflict, "taken") }
        router.get("/other") { _, _ in throw Unexpected() }
        router.get("/rethrown") { _, _ in .text("ok") }
        router.use("/rethrown", MiddlewareFunction { _, _, _ in throw HTTPError(HTTPResponse.Status(code: 418)) })
        try await router.test { (client: TestClient) throws in
            let http = try await client.get("/http")
            #expect(http.status == .conflict)
            #expect(http.headers.get("Content-Type") == "application/problem+json")
            #expect(http.headers.get("X-Caught") == "1")
            let other = try await client.get("/other")
            #expect(other.status == .internalServerError)
            let problem: [String: JSONValue] = try other.json()
            #expect(problem["requestId"] != nil)
            #expect(problem["detail"] == .string("An unexpected error occurred."))
            #expect(try await client.get("/rethrown").status.code == 418)
        }
        #expect(caught.withLock { $0 } == ["HTTPError", "Unexpected", "HTTPError"])
    }

    @Test func errorsMiddlewareDoesNotCatchAreAnsweredByTheResponder() async throws {
        struct Unexpected: Error {}
        var router = Router()
        router.use(Tracer("outer"))
        router.use("/", MiddlewareFunction { _, _, _ in throw Unexpected() })
        router.get("/x") { _, _ in .text("x") }
        try await router.test { (client: TestClient) throws in
            let response = try await client.get("/x")
            #expect(response.status == .internalServerError)
            // The tracer never saw a response: the error passed through it.
            #expect(response.headers.getAll("X-Trace") == [])
        }
    }

    @Test func typedValuesFromMiddlewareToHandlers() async throws {
        var router = Router()
        router.use(
            "/me",
            MiddlewareFunction { request, context, next in
                guard let name = request.headers.get("X-User") else { throw HTTPError(.unauthorized) }
                var context = context
                context.locals[CurrentUser.self] = CurrentUser(name: name)
                context.locals[Int.self] = 42
                return try await next(request, context)
            })
        router.get("/me") { _, context in
            let user: CurrentUser? = context.locals[CurrentUser.self]
            return .json(["name": user?.name ?? "-", "answer": String(context.locals[Int.self] ?? 0)])
        }
        router.get("/other") { _, context in .text(context.locals[CurrentUser.self] == nil ? "no user" : "user") }
        try await router.test { (client: TestClient) throws in
            #expect(try await client.get("/me", headers: ["X-User": "ada"]).json() == ["name": "ada", "answer": "42"])
            #expect(try await client.get("/me").status == .unauthorized)
            #expect(try await client.get("/other", headers: ["X-User": "ada"]).text == "no user")
        }
    }

    @Test func middlewareSeesTheMatchedRoute() async throws {
        var router = Router()
        router.use { request, context, next in
            var response = try await next(request, context)
            response.headers.set("X-Route", context.route?.pattern.description ?? "none")
            response.headers.set("X-Param", context.params.id ?? "-")
            return response
        }
        router.get("/users/[id]") { _, _ in .text("user") }
        try await router.test { (client: TestClient) throws in
            let response = try await client.get("/users/7")
            #expect(response.headers.get("X-Route") == "/users/[id]")
            #expect(response.headers.get("X-Param") == "7")
        }
    }

    @Test func anInvalidPrefixIsReportedWithTheOtherRouteErrors() {
        var router = Router()
        router.use("/api/[", Tracer("x"))
        #expect(throws: RouteErrors.self) { try router.responder() }
    }

    @Test func localsAreKeyedByType() {
        var locals = Locals()
        #expect(locals.isEmpty)
        locals[CurrentUser.self] = CurrentUser(name: "ada")
        locals[String.self] = "text"
        #expect(locals[CurrentUser.self] == CurrentUser(name: "ada"))
        #expect(locals[String.self] == "text")
        #expect(locals[Int.self] == nil)
        locals[String.self] = nil
        #expect(!locals.contains(String.self))
    }
}
