import RouteHandlers

// Each page generateStaticParams() lists is rendered by `example-api export`; any other slug reaches the handler.
let dynamic = .forceStatic

/// The pages, by slug.
let pageTexts = [
    "getting-started": "Start the example behind nginx with nginx/run-example, then GET /api/hello.\n",
    "routing": "Each app/**/route.swift is a route; [id] folders are dynamic segments.\n",
]

/// The slugs to render ahead of time.
func generateStaticParams() -> [Params] {
    pageTexts.keys.sorted().map { Params(slug: $0) }
}

/// GET /api/docs/[slug]: the page as plain text, 404 for an unknown slug.
func GET(_ request: Request, context: Context) throws -> Response {
    guard let page = pageTexts[context.params.slug] else { throw HTTPError(.notFound, "No page \(context.params.slug).") }
    return .text(page)
}
