extension RouteResponder.Configuration {
    /// This configuration with settings from the environment, for an executable to apply at start-up:
    ///
    /// - `ROUTE_HANDLERS_DEV=1` (or `true`, `yes`): development mode, unexpected errors' details in their 500
    ///   responses (``exposeErrorDetails``). Never in production.
    /// - `ROUTE_HANDLERS_TRUSTED_PROXIES=10.0.0.0/8,loopback`: the ``trustedProxies`` for ``Request/ip``;
    ///   `ROUTE_HANDLERS_FORWARDED_HEADER=forwarded` makes them read RFC 7239 `Forwarded` instead of
    ///   `X-Forwarded-For`.
    ///
    /// Variables that are absent or empty leave the setting as it is.
    /// - Throws: ``TrustedProxies/InvalidEntry`` for an entry that is not an address, a range or a shorthand.
    public func applying(environment: [String: String]) throws(TrustedProxies.InvalidEntry) -> Self {
        var configuration = self
        if let dev = environment["ROUTE_HANDLERS_DEV"]?.lowercased(), !dev.isEmpty {
            configuration.exposeErrorDetails = ["1", "true", "yes", "on"].contains(dev)
        }
        if let list = environment["ROUTE_HANDLERS_TRUSTED_PROXIES"], !list.isEmpty {
            let header: TrustedProxies.Header =
                environment["ROUTE_HANDLERS_FORWARDED_HEADER"]?.lowercased() == "forwarded" ? .forwarded : .xForwardedFor
            configuration.trustedProxies = try TrustedProxies(list: list, header: header)
        }
        return configuration
    }
}
