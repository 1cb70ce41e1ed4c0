import RouteHandlers

/// GET /api/health: a file-based route beside the OpenAPI operations.
func GET() -> Response {
    .json(["status": "ok"])
}
