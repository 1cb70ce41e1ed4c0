import RouteHandlers

func GET(_ request: Request, _ context: Context) -> Response {
    let slug: [String] = context.params.slug
    return .json(slug)
}
