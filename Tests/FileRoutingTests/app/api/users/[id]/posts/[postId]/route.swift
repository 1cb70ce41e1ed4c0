import RouteHandlers

func GET(_ request: Request, _ context: Context) -> Response {
    .json(["user": context.params.id, "post": context.params.postId])
}
