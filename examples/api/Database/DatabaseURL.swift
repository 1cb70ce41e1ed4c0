#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if PostgreSQL
import PostgresNIO
#endif

/// `DATABASE_URL`: `postgres://user:password@host:port/database`, the form Heroku, libpq and most tools use.
/// The user and password may be percent-encoded; the port defaults to 5432. `?sslmode=` takes `disable` (the
/// default: the database is on the same private network as the app hosts), `prefer` or `require`.
struct DatabaseURL: Sendable, Equatable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    var sslmode: String

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(_ string: String) throws(Invalid) {
        guard let components = URLComponents(string: string), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else { throw Invalid(description: "not a postgres://user:password@host:port/database URL") }
        guard let host = components.host, !host.isEmpty else { throw Invalid(description: "no host") }
        guard let username = components.user?.removingPercentEncoding, !username.isEmpty else {
            throw Invalid(description: "no user")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw Invalid(description: "no database name (the path)") }
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "prefer", "require"].contains(sslmode) else {
            throw Invalid(description: "sslmode must be disable, prefer or require")
        }
        // A bracketed IPv6 literal comes back with its brackets.
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password?.removingPercentEncoding
        self.database = database.removingPercentEncoding ?? database
        self.sslmode = sslmode
    }

    #if PostgreSQL
    /// The client configuration: at most `maximumConnections` connections per host process.
    func configuration(maximumConnections: Int = 10) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "require": tls = .require(.makeClientConfiguration())
        case "prefer": tls = .prefer(.makeClientConfiguration())
        default: tls = .disable
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        // A dead database or network must fail a request, not hang it until nginx times out.
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
    #endif
}
