import RouteHandlers
import RouteHandlersTesting
import Testing

@Suite struct ClientIPTests {
    func request(remote: String?, _ headers: Headers = [:], trusting entries: [String] = [], header: TrustedProxies.Header = .xForwardedFor)
        throws -> Request
    {
        var request = Request("/", headers: headers)
        request.remoteAddress = remote
        request.trustedProxies = try TrustedProxies(entries, header: header)
        return request
    }

    @Test func withoutTrustedProxiesTheForwardedHeaderIsIgnored() throws {
        #expect(try request(remote: "203.0.113.9", ["X-Forwarded-For": "1.2.3.4"]).ip == "203.0.113.9")
        #expect(try request(remote: nil).ip == nil)
        // A peer that is not trusted cannot choose the ip either.
        #expect(try request(remote: "203.0.113.9", ["X-Forwarded-For": "1.2.3.4"], trusting: ["10.0.0.0/8"]).ip == "203.0.113.9")
    }

    @Test func walksXForwardedForFromTheRightSkippingTrustedHops() throws {
        let headers: Headers = ["X-Forwarded-For": "6.6.6.6, 198.51.100.7, 10.0.0.2"]
        // The client forged 6.6.6.6; the first untrusted address from the right is the real client.
        #expect(try request(remote: "10.0.0.1", headers, trusting: ["10.0.0.0/8"]).ip == "198.51.100.7")
        var split = Headers()
        split.append("X-Forwarded-For", "198.51.100.7")
        split.append("X-Forwarded-For", "10.1.2.3:8080")
        #expect(try request(remote: "127.0.0.1", split, trusting: ["loopback", "private"]).ip == "198.51.100.7")
        // Every hop trusted: the leftmost is as far as the chain goes.
        #expect(try request(remote: "10.0.0.1", ["X-Forwarded-For": "10.0.0.5, 10.0.0.2"], trusting: ["private"]).ip == "10.0.0.5")
        // No header: the trusted peer itself.
        #expect(try request(remote: "10.0.0.1", trusting: ["private"]).ip == "10.0.0.1")
    }

    @Test func aMalformedHopStopsTheWalkAtTheTrustedHopThatPassedItOn() throws {
        let headers: Headers = ["X-Forwarded-For": "1.2.3.4, not-an-ip, 10.0.0.2"]
        #expect(try request(remote: "10.0.0.1", headers, trusting: ["private"]).ip == "10.0.0.2")
    }

    @Test func ipv6RangesMappedAddressesAndUnixSockets() throws {
        let headers: Headers = ["X-Forwarded-For": "2001:db8::1, fd00::7"]
        #expect(try request(remote: "::1", headers, trusting: ["loopback", "fc00::/7"]).ip == "2001:db8::1")
        #expect(
            try request(remote: "::ffff:10.0.0.1", ["X-Forwarded-For": "[2001:db8::2]:443"], trusting: ["10.0.0.0/8"]).ip == "2001:db8::2")
        #expect(try request(remote: "unix:", ["X-Forwarded-For": "192.0.2.1"], trusting: ["unix"]).ip == "192.0.2.1")
        #expect(try request(remote: "unix:", ["X-Forwarded-For": "192.0.2.1"], trusting: ["loopback"]).ip == "unix:")
    }

    @Test func forwardedHeaderWhenConfigured() throws {
        let headers: Headers = [
            "Forwarded": #"for=192.0.2.60;proto=https, for="[2001:db8:cafe::17]:4711", for=10.0.0.3"#,
            "X-Forwarded-For": "6.6.6.6",
        ]
        #expect(try request(remote: "10.0.0.1", headers, trusting: ["private"], header: .forwarded).ip == "2001:db8:cafe::17")
        #expect(try request(remote: "10.0.0.1", headers, trusting: ["private"]).ip == "6.6.6.6")
    }

    @Test func rangesParseAndMatch() throws {
        let proxies = try TrustedProxies(list: "192.168.1.0/24, 2001:db8::/32 ,203.0.113.5")
        #expect(proxies.trusts("192.168.1.200"))
        #expect(!proxies.trusts("192.168.2.1"))
        #expect(proxies.trusts("2001:db8:ffff::1"))
        #expect(!proxies.trusts("2001:db9::1"))
        #expect(proxies.trusts("203.0.113.5"))
        #expect(!proxies.trusts("203.0.113.6"))
        #expect(!proxies.trusts("garbage"))
        #expect(try TrustedProxies(["0.0.0.0/0"]).trusts("8.8.8.8"))
        #expect(try TrustedProxies(["172.16.0.0/12"]).trusts("172.31.255.255"))
        #expect(try !TrustedProxies(["172.16.0.0/12"]).trusts("172.32.0.0"))
        for invalid in ["10.0.0.0/33", "256.1.1.1", "1.2.3", "::1::2", "fe80::/129", "example.com", "1.2.3.4/x"] {
            #expect(throws: TrustedProxies.InvalidEntry.self, "\(invalid)") { try TrustedProxies([invalid]) }
        }
    }

    @Test func theResponderAppliesItsConfiguredProxies() async throws {
        var router = Router()
        router.get("/ip") { request, _ in .text(request.ip ?? "none") }
        let headers: Headers = ["X-Forwarded-For": "198.51.100.7"]
        try await router.test(configuration: .init(trustedProxies: try TrustedProxies(["loopback"]))) { client in
            let response = try await client.get("/ip", headers: headers)
            #expect(response.text == "198.51.100.7")
        }
        try await router.test { client in
            let response = try await client.get("/ip", headers: headers)
            #expect(response.text == "127.0.0.1")
        }
    }
}
