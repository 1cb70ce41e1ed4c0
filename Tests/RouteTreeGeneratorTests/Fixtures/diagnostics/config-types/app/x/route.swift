import RouteHandlers

let revalidate = "60"
let maxDuration = 0
let bodyLimit = "2 megabytes"
var revalidate = 10

func GET() -> Response { .text("") }
