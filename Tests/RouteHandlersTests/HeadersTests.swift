import RouteHandlers
import Testing

@Suite struct HeadersTests {
    @Test func lookupsAreCaseInsensitiveAndNamesKeepTheirCase() {
        let headers: Headers = ["X-Custom-Thing": "1", "content-type": "text/plain"]
        #expect(headers.get("x-custom-thing") == "1")
        #expect(headers.get("CONTENT-TYPE") == "text/plain")
        #expect(headers.has("X-CUSTOM-THING"))
        #expect(!headers.has("X-Other"))
        #expect(headers.map(\.name) == ["X-Custom-Thing", "content-type"])
    }

    @Test func repeatedFieldsAreOrderedJoinedByGetAndSeparateByGetAll() {
        var headers = Headers()
        headers.append("Accept", "text/html")
        headers.append("X-A", "a")
        headers.append("accept", "application/json")
        #expect(headers.get("Accept") == "text/html, application/json")
        #expect(headers.getAll("ACCEPT") == ["text/html", "application/json"])
        #expect(headers.map { "\($0.name)=\($0.value)" } == ["Accept=text/html", "X-A=a", "accept=application/json"])
    }

    @Test func setCookieValuesStaySeparate() {
        var headers = Headers()
        headers.append("Set-Cookie", "a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT")
        headers.append("Set-Cookie", "b=2")
        #expect(headers.getSetCookie() == ["a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", "b=2"])
    }

    @Test func setReplacesDeleteRemovesAndSubscriptDoesBoth() {
        var headers: Headers = ["X-A": "1"]
        headers.append("X-A", "2")
        headers.set("x-a", "3")
        #expect(headers.getAll("X-A") == ["3"])
        headers["X-B"] = "b"
        headers["X-A"] = nil
        #expect(!headers.has("X-A"))
        #expect(headers["x-b"] == "b")
        headers.delete("X-B")
        #expect(Array(headers).isEmpty)
    }

    @Test func injectedLineBreaksAndInvalidNamesAreRejectedNotStored() {
        var headers = Headers()
        headers.set("X-Evil", "a\r\nSet-Cookie: x=1")
        headers.append("Bad Name", "v")
        headers.append("X-Nul", "a\u{0}b")
        #expect(!headers.has("X-Evil"))
        #expect(headers.getSetCookie().isEmpty)
        #expect(headers.rejectedFields.map(\.name) == ["X-Evil", "Bad Name", "X-Nul"])
    }
}
