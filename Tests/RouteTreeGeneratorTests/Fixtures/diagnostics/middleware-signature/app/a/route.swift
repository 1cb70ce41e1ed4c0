import RouteHandlers
func GET() -> Response { .text("") }
