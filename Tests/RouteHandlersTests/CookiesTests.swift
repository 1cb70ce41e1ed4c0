import Foundation
import RouteHandlers
import RouteHandlersTesting
import Testing

@Suite struct RequestCookiesTests {
    @Test func parsesTheCookieHeaderPerRFC6265() {
        let request = Request("/", headers: ["Cookie": "session=abc123; theme=dark;  lang = en ; empty=; quoted=\"q v\""])
        let cookies = request.cookies
        #expect(cookies.get("session") == "abc123")
        #expect(cookies.get("theme") == "dark")
        #expect(cookies.get("lang") == "en")
        #expect(cookies.get("empty") == "")
        #expect(cookies.get("quoted") == "q v")
        #expect(cookies.has("theme"))
        #expect(!cookies.has("missing"))
        #expect(cookies.get("missing") == nil)
        #expect(cookies.map(\.name) == ["session", "theme", "lang", "empty", "quoted"])
    }

    @Test func repeatedNamesAndSeveralCookieHeaders() {
        var headers = Headers()
        headers.append("Cookie", "id=1; a=x")
        headers.append("Cookie", "id=2")
        let cookies = Request("/", headers: headers).cookies
        #expect(cookies.getAll("id") == ["1", "2"])
        #expect(cookies.get("id") == "1")
        #expect(cookies.count == 3)
    }

    @Test func cookieHeadersJoinedByAProxyAreSplitAgain() {
        // Apache and Caddy join two Cookie headers with ", "; a comma cannot be part of a cookie value.
        let cookies = Request("/", headers: ["Cookie": "a=1, b=2; c=3, not a cookie"]).cookies
        #expect(cookies.get("a") == "1")
        #expect(cookies.get("b") == "2")
        #expect(cookies.get("c") == "3, not a cookie")
    }

    @Test func valuesArePercentDecodedWhenTheyDecodeCleanly() {
        let cookies = RequestCookies(headerValues: ["a=caf%C3%A9; b=100%; c=%E9; d=x%3Dy%3B"])
        #expect(cookies.get("a") == "café")
        #expect(cookies.get("b") == "100%")  // malformed escape: kept as sent
        #expect(cookies.get("c") == "%E9")  // not UTF-8: kept as sent
        #expect(cookies.get("d") == "x=y;")
    }

    @Test func piecesWithoutNameOrEqualsAreIgnored() {
        let cookies = RequestCookies(headerValues: ["novalue; =orphan; ok=1;;"])
        #expect(cookies.map(\.name) == ["ok"])
        #expect(RequestCookies(headerValues: [String]()).isEmpty)
    }
}

@Suite struct ResponseCookiesTests {
    @Test func setSerializesEveryOption() {
        var response = Response.text("ok")
        response.cookies.set(
            "session", "a b;c",
            CookieOptions(
                expires: Date(timeIntervalSince1970: 1_445_412_480), maxAge: 3600, domain: "example.com", path: "/app",
                secure: true, httpOnly: true, sameSite: .lax, priority: .high, partitioned: true))
        #expect(
            response.headers.getSetCookie() == [
                "session=a%20b%3Bc; Domain=example.com; Path=/app; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Max-Age=3600; Secure; HttpOnly; SameSite=Lax; Priority=High; Partitioned"
            ])
    }

    @Test func pathDefaultsToSlashAndSameSiteValues() {
        var cookies = ResponseCookies()
        cookies.set("a", "1")
        cookies.set("b", "2", CookieOptions(sameSite: .strict))
        cookies.set("c", "3", CookieOptions(path: nil, secure: true, sameSite: CookieOptions.SameSite.none, priority: .low))
        #expect(
            cookies.headers.getSetCookie() == ["a=1; Path=/", "b=2; Path=/; SameSite=Strict", "c=3; Secure; SameSite=None; Priority=Low"])
    }

    @Test func severalCookiesAreSeparateHeadersAndSettingANameAgainReplacesIt() {
        var response = Response.empty()
        response.cookies.set("a", "1")
        response.cookies.set("b", "2")
        response.cookies.set("a", "3")
        #expect(response.headers.getSetCookie() == ["b=2; Path=/", "a=3; Path=/"])
        #expect(response.cookies.get("a") == "3")
        #expect(response.cookies.has("b"))
        #expect(!response.cookies.has("c"))
    }

    @Test func deleteExpiresTheCookie() {
        var response = Response.empty()
        response.cookies.set("token", "x")
        response.cookies.delete("token")
        response.cookies.delete("other", path: "/admin", domain: "example.com")
        #expect(
            response.headers.getSetCookie() == [
                "token=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0",
                "other=; Domain=example.com; Path=/admin; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0",
            ])
    }

    @Test func expiresFormatsDatesAcrossCenturiesAndLeapYears() {
        func expires(_ seconds: TimeInterval) -> String? {
            var cookies = ResponseCookies()
            cookies.set("a", "", CookieOptions(expires: Date(timeIntervalSince1970: seconds)))
            return cookies.headers.getSetCookie().first?.split(separator: ";").first { $0.contains("Expires") }
                .map { String($0.dropFirst(" Expires=".count)) }
        }
        #expect(expires(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(expires(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(expires(4_102_444_799) == "Thu, 31 Dec 2099 23:59:59 GMT")
        #expect(expires(4_107_542_399) == "Sun, 28 Feb 2100 23:59:59 GMT")  // 2100 is not a leap year
        #expect(expires(-1) == "Wed, 31 Dec 1969 23:59:59 GMT")
    }

    @Test func valuesRoundTripThroughRequestCookies() {
        var cookies = ResponseCookies()
        let value = #"{"cart":[1,2]} é; x=y"#
        cookies.set("data", value)
        let sent = cookies.headers.getSetCookie()[0].prefix { $0 != ";" }
        #expect(!sent.contains(" ") && !sent.contains("\""))
        #expect(RequestCookies(headerValues: [String(sent)]).get("data") == value)
    }

    @Test(arguments: [
        ("bad name", "/", nil as String?),
        ("a;b", "/", nil),
        ("", "/", nil),
        ("ok", "/x;Secure", nil),
        ("ok", "/x\r\nX-Evil: 1", nil),
        ("ok", "/", "example.com; HttpOnly"),
    ])
    func invalidCookiesAreRejectedNotEmitted(name: String, path: String, domain: String?) {
        var response = Response.empty()
        response.cookies.set(name, "v", CookieOptions(domain: domain, path: path))
        #expect(response.headers.getSetCookie().isEmpty)
        #expect(response.headers.rejectedFields.map(\.name) == ["Set-Cookie"])
    }
}

@Suite struct CookiesThroughTheTestClientTests {
    @Test func aHandlerReadsRequestCookiesAndSetsResponseCookies() async throws {
        var router = Router()
        router.post("/login") { request, _ in
            var response = Response.json(["previous": request.cookies.get("session") ?? ""])
            response.cookies.set("session", "new value", CookieOptions(httpOnly: true))
            response.cookies.delete("legacy")
            return response
        }
        try await router.test { client in
            let response = try await client.post("/login", headers: ["Cookie": "session=old; legacy=1"])
            #expect(try response.json([String: String].self) == ["previous": "old"])
            #expect(response.cookies.get("session") == "new value")
            #expect(response.cookies.get("legacy") == "")
            #expect(response.headers.getSetCookie().count == 2)
        }
    }
}
