import RouteHandlers

func GET(_ request: Request, _ context: Context) -> Response {
    .json(["rest": context.params.rest?.joined(separator: ",") ?? "none"])
}
