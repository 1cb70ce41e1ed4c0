import RouteHandlers

func GET(_ request: Request, _ context: Context) -> Response {
    let path: [String]? = context.params.path
    return .json(["path": path?.joined(separator: ",") ?? "none"])
}
