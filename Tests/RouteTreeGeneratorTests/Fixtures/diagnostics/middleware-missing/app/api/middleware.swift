import RouteHandlers

// Forgot the function.
let cors = CORSMiddleware()
