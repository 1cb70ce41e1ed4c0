import RouteHandlers

/// GET /plaintext: TFB's plaintext test.
func GET() -> Response {
    .text("Hello, World!")
}
