import RouteHandlers

/// Like any revalidate route, cached by the nginx in front for 60 seconds: unless the answer is personal. This one
/// reads the `name` cookie, so it is sent `Cache-Control: private` with `Vary: Cookie`, and nginx never hands one
/// visitor's greeting to the next (a route that reads `Authorization` is treated the same).
let revalidate = 60

/// GET /api/greeting: `{"greeting":"Hello, Ada!"}` for a `name=Ada` cookie, `Hello, stranger!` without one.
func GET(_ request: Request, _ context: Context) -> Response {
    .json(["greeting": "Hello, \(request.cookies.get("name") ?? "stranger")!"])
}
