import HTTPTypes
@testable import RouteHandlers
import RouteHandlersTesting
import Testing

/// Sessions: a signed id in an HttpOnly cookie, the data in a store, saved only when changed; SHA-256 and HMAC
/// against their standards' vectors.
@Suite struct SessionTests {
    struct Visit: Codable, Sendable, Equatable {
        var count = 0
        var name: String?
    }

    private static let secret = "a-secret-of-at-least-32-bytes-for-tests"

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    @Test func sha256AndHMACMatchTheirTestVectors() {
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // RFC 4231, test cases 1, 2 and 6 (a key longer than a block).
        #expect(
            hex(SHA256.hmac(key: [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            hex(SHA256.hmac(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            hex(
                SHA256.hmac(key: [UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
            )
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(Base64.encodeURL(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw")
        #expect(Base64.decodeURL("YW55IGNhcm5hbCBwbGVhcw") == Array("any carnal pleas".utf8))
        #expect(Base64.encodeURL([0xfb, 0xff]) == "-_8")
    }

    private func router(store: any SessionStore) -> Router {
        var router = Router()
        router.use(SessionMiddleware<Visit>(store: store, secret: Self.secret))
        router.get("/visits") { _, context in
            let session = try context.session(Visit.self)
            session.update { $0 = Visit(count: ($0?.count ?? 0) + 1, name: $0?.name) }
            return .json(session.data ?? Visit())
        }
        router.get("/peek") { _, context in .json(try context.session(Visit.self).data ?? Visit()) }
        router.post("/login") { _, context in
            let session = try context.session(Visit.self)
            session.update { $0 = Visit(count: $0?.count ?? 0, name: "ada") }
            session.renew()
            return .empty()
        }
        router.post("/logout") { _, context in
            try context.session(Visit.self).destroy()
            return .empty()
        }
        return router
    }

    @Test func aSessionFollowsItsCookieAndIsSavedOnlyWhenChanged() async throws {
        let store = MemorySessionStore()
        try await router(store: store).test { (client: TestClient) throws in
            let first = try await client.get("/visits")
            #expect(try first.json(Visit.self) == Visit(count: 1))
            let setCookie = try #require(first.headers.getSetCookie().first)
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Max-Age=604800"))
            let cookie = try #require(first.cookies.get("session"))
            let second = try await client.get("/visits", headers: ["Cookie": "session=\(cookie)"])
            #expect(try second.json(Visit.self) == Visit(count: 2))
            #expect(second.cookies.get("session") == cookie)
            // Read, not changed: no Set-Cookie, nothing written.
            let peek = try await client.get("/peek", headers: ["Cookie": "session=\(cookie)"])
            #expect(try peek.json(Visit.self) == Visit(count: 2))
            #expect(peek.headers.getSetCookie().isEmpty)
            // Another visitor starts from nothing.
            #expect(try await client.get("/visits").json(Visit.self) == Visit(count: 1))
        }
    }

    @Test func aForgedOrTamperedCookieIsIgnored() async throws {
        let store = MemorySessionStore()
        try await router(store: store).test { (client: TestClient) throws in
            let cookie = try #require(try await client.get("/visits").cookies.get("session"))
            let id = String(cookie.prefix { $0 != "." })
            for forged in [id, id + ".AAAA", "x" + cookie, cookie + "x", ".", "garbage"] {
                let response = try await client.get("/peek", headers: ["Cookie": "session=\(forged)"])
                #expect(try response.json(Visit.self) == Visit(), "\(forged)")
            }
            // Signed with another secret: not ours.
            let other = SessionMiddleware<Visit>(store: store, secret: "another-secret-another-secret-xx")
            #expect(other.verifiedID(cookie) == nil)
        }
    }

    @Test func loggingInRenewsTheIdAndLoggingOutForgetsTheSession() async throws {
        let store = MemorySessionStore()
        try await router(store: store).test { (client: TestClient) throws in
            let before = try #require(try await client.get("/visits").cookies.get("session"))
            let login = try await client.post("/login", headers: ["Cookie": "session=\(before)"])
            let after = try #require(login.cookies.get("session"))
            #expect(after != before)
            // The old id is worth nothing now; the new one carries the data.
            #expect(try await client.get("/peek", headers: ["Cookie": "session=\(before)"]).json(Visit.self) == Visit())
            #expect(try await client.get("/peek", headers: ["Cookie": "session=\(after)"]).json(Visit.self) == Visit(count: 1, name: "ada"))
            let logout = try await client.post("/logout", headers: ["Cookie": "session=\(after)"])
            #expect(logout.headers.getSetCookie().first?.contains("Max-Age=0") == true)
            #expect(try await client.get("/peek", headers: ["Cookie": "session=\(after)"]).json(Visit.self) == Visit())
        }
    }

    @Test func aSessionExpires() async throws {
        let store = MemorySessionStore()
        try await store.save("a", data: [1], expiresIn: .milliseconds(1))
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await store.load("a") == nil)
    }
}
