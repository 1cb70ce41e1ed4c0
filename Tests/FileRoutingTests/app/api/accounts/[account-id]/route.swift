import RouteHandlers

// A parameter name that is not a Swift identifier is a raw identifier (Swift 6.2+).
func GET(_ request: Request, _ context: Context) -> Response {
    let accountID: String = context.params.`account-id`
    return .json(["account": accountID])
}
