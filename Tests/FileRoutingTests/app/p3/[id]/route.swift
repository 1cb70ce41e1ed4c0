import RouteHandlers

// Beside p3/[[...rest]]: Next.js ranks [id] first, and so does the resolver.
func GET(_ request: Request, _ context: Context) -> Response {
    .json(["id": context.params.id])
}
