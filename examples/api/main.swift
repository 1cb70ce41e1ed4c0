import RouteHandlers
import RouteHandlersFastCGI

// The example API. Started by spawn-fcgi (socket on fd 0), with --listen, or as a CGI script.
var router = Router()

router.get("/api/hello") { _, _ in
    .json(["message": "Hello, World!"])
}

await Application(router: router).run()
