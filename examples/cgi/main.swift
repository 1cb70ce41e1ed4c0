import RouteHandlers
import RouteHandlersFastCGI

// hello-cgi: a small app that runs as a classic CGI script (one process per request: copy the binary into a
// cgi-bin directory) and, unchanged, as a FastCGI server (spawn-fcgi, --listen). Its routes are the files
// under app/, compiled into `Router.app()` by RouteTreePlugin.
await Application(router: .app()).run()
