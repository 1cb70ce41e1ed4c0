import RouteHandlers

/// GET on any path: a greeting for `?name=` (default "World").
func GET(_ request: Request) -> Response {
    .text("Hello, \(request.url.searchParams.get("name") ?? "World")!")
}
