import RouteHandlers
import RouteHandlersFastCGI

// The example API. Started by spawn-fcgi (socket on fd 0), with --listen, or as a CGI script.
// Its routes are the files under app/ (app/api/hello/route.swift answers GET /api/hello), compiled into
// `Router.app()` by RouteTreePlugin at build time.
await Application(router: .app()).run()
