import RouteHandlers
import Testing

@Suite struct URLSearchParamsTests {
    @Test(arguments: [
        ("a=%", "%"),
        ("a=%zz", "%zz"),
        ("a=%4", "%4"),
        ("a=100%", "100%"),
        ("a=%C3%A9", "é"),
        ("a=%c3%a9", "é"),
        ("a=b+c", "b c"),
        ("a=%2B", "+"),
        ("a=%20", " "),
        ("a=%26b%3Dc", "&b=c"),
        ("a=%E9", "\u{FFFD}"),
        ("a=x=y", "x=y"),
    ])
    func valuesDecodeLikeWHATWG(query: String, value: String) {
        #expect(URLSearchParams(query).get("a") == value)
    }

    @Test func emptyKeysKeysWithoutEqualsAndEmptyPieces() {
        let params = URLSearchParams("=x&flag&&b=&%zz=1&c+d=2")
        #expect(params.pairs.map(\.name) == ["", "flag", "b", "%zz", "c d"])
        #expect(params.get("") == "x")
        #expect(params.get("flag") == "")
        #expect(params.has("flag"))
        #expect(params.get("b") == "")
        #expect(params.get("%zz") == "1")
        #expect(params.get("c d") == "2")
        #expect(params.get("missing") == nil)
    }

    @Test func repeatedKeysKeepTheirOrder() {
        let params = URLSearchParams("?tag=a&x=1&tag=b&tag=c")
        #expect(params.getAll("tag") == ["a", "b", "c"])
        #expect(params.get("tag") == "a")
        #expect(params.map(\.name) == ["tag", "x", "tag", "tag"])
    }

    @Test func mutationAndSerialization() {
        var params = URLSearchParams("a=1&b=2&a=3")
        params.set("a", "x y")
        params.append("c", "é&=+")
        params.delete("b")
        #expect(params.description == "a=x+y&c=%C3%A9%26%3D%2B")
        #expect(URLSearchParams(params.description) == params)
    }

    @Test func requestURLExposesPathnameSearchAndParams() {
        let url = RequestURL(scheme: "https", hostname: "example.com", port: 8443, target: "/a/./b/../c?q=a+b&q=%C3%A9")
        #expect(url.pathname == "/a/c")
        #expect(url.search == "?q=a+b&q=%C3%A9")
        #expect(url.searchParams.getAll("q") == ["a b", "é"])
        #expect(url.origin == "https://example.com:8443")
        #expect(url.href == "https://example.com:8443/a/c?q=a+b&q=%C3%A9")
        #expect(RequestURL(scheme: "https", hostname: "h", port: 443, target: "/").href == "https://h/")
    }
}
