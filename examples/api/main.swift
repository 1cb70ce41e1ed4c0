import RouteHandlers
import RouteHandlersFastCGI

// The example API. Started by spawn-fcgi (socket on fd 0), with --listen, or as a CGI script.
// Its routes are the files under app/ (app/api/hello/route.swift answers GET /api/hello), compiled into
// `Router.app()` by RouteTreePlugin at build time. Code the routes share lives beside app/: Database/ (SQLite, at
// EXAMPLE_API_DATABASE, default ./example-api.sqlite, opened on first use), Models/, Webhooks/ (Stripe signatures,
// with the secret from STRIPE_WEBHOOK_SECRET).
await Application(router: .app()).run()
