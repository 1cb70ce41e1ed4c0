import RouteHandlers

/// GET /api/hello
func GET() -> Response {
    .json(["message": "Hello, World!"])
}
