#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PostgresNIO

/// `DATABASE_URL`: `postgres://user[:password]@host[:port]/database`, the form libpq and most tools use; the
/// port defaults to 5432. TFB's database is on the benchmark's private network, so there is no TLS.
struct DatabaseURL: Sendable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(_ string: String) throws(Invalid) {
        guard !string.isEmpty else { throw Invalid(description: "not set") }
        guard let components = URLComponents(string: string), components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw Invalid(description: "not a postgres:// URL") }
        guard let host = components.host, !host.isEmpty else { throw Invalid(description: "no host") }
        guard let username = components.user?.removingPercentEncoding, !username.isEmpty else {
            throw Invalid(description: "no user")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw Invalid(description: "no database name (the path)") }
        // An IPv6 literal comes back in its brackets.
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password?.removingPercentEncoding
        self.database = database.removingPercentEncoding ?? database
    }

    /// The pool's configuration: at most `maximumConnections` connections per process.
    func configuration(maximumConnections: Int) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
        configuration.options.maximumConnections = maximumConnections
        // A dead database must fail a request, not hang it until nginx gives up.
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}

/// An environment variable, or nil when unset or empty.
func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    let string = String(cString: value)
    return string.isEmpty ? nil : string
}
