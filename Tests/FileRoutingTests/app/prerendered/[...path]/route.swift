import RouteHandlers

let dynamic = .forceStatic

/// The paths export renders: a segment with a space, and a single one.
func generateStaticParams() async throws -> [Params] {
    [Params(path: ["guides", "first steps"]), Params(path: ["faq"])]
}

/// GET /prerendered/...: the segments it was rendered for.
func GET(_ request: Request, context: Context) -> Response {
    .json(["segments": context.params.path])
}
