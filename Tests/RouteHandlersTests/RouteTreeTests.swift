@_spi(Internal) @testable import RouteHandlers
import Testing

@Suite struct RouteTreeTests {
    func tree(_ patterns: [String]) throws -> RouteTree<String> {
        var builder = RouteTreeBuilder<String>()
        for pattern in patterns { try builder.insert(RoutePattern(pattern), pattern) }
        return builder.freeze()
    }

    func resolve(_ tree: RouteTree<String>, _ path: String) throws -> (String, [RouteParameters.Entry])? {
        let raw = try tree.resolve(pathname: path)
        let decoded = tree.resolve(try RequestPath.decodedSegments(path))
        // Both entry points agree, except that decoded segments no longer know which `/` were escaped.
        if !path.contains("%2F") {
            #expect(raw?.route.value == decoded?.route.value)
            #expect(raw?.parameters == decoded?.parameters)
        }
        return raw.map { ($0.route.value, $0.parameters.entries) }
    }

    @Test func priorityAndBacktracking() throws {
        let tree = try tree(["/a/b", "/a/[x]", "/a/[x]/c", "/a/[...rest]", "/f/[name]/raw", "/f/[...path]"])
        #expect(try resolve(tree, "/a/b")?.0 == "/a/b")
        #expect(try resolve(tree, "/a/z")?.0 == "/a/[x]")
        #expect(try resolve(tree, "/a/b/c")?.0 == "/a/[x]/c")
        #expect(try resolve(tree, "/a/b/d")?.0 == "/a/[...rest]")
        #expect(try resolve(tree, "/f/n/raw")?.1 == [.init(name: "name", value: .segment("n"))])
        #expect(try resolve(tree, "/f/n/other")?.1 == [.init(name: "path", value: .segments(["n", "other"]))])
        #expect(try resolve(tree, "/nothing") == nil)
        #expect(try resolve(tree, "/a") == nil)
    }

    @Test func decodingAndEscapes() throws {
        let tree = try tree(["/%5Fhidden", "/a%20b", "/p/[id]", "/c/[...rest]", "/o/[[...rest]]"])
        #expect(try resolve(tree, "/_hidden")?.0 == "/%5Fhidden")
        #expect(try resolve(tree, "/%5Fhidden")?.0 == "/%5Fhidden")
        #expect(try resolve(tree, "/a%20b")?.0 == "/a%20b")
        #expect(try resolve(tree, "/p/x%2Fy")?.1 == [.init(name: "id", value: .segment("x/y"))])
        #expect(try resolve(tree, "/c/a%2Fb//c")?.1 == [.init(name: "rest", value: .segments(["a/b", "c"]))])
        #expect(try resolve(tree, "/o")?.1 == [])  // an empty optional catch-all has no entry: it reads as nil
        #expect(try resolve(tree, "//o//x/")?.1 == [.init(name: "rest", value: .segments(["x"]))])
        #expect(throws: HTTPError.self) { try tree.resolve(pathname: "/p/%zz") }
        #expect(throws: HTTPError.self) { try tree.resolve(pathname: "/nowhere/%4") }
    }

    @Test func manyLiteralChildren() throws {
        let names = (0..<200).map { "segment\($0 * 7919 % 1000)" } + ["a", "bb", "ab", "ba", "zz", "é"]
        let tree = try tree(names.map { "/" + $0 + "/leaf" })
        for name in names {
            #expect(try resolve(tree, "/\(name)/leaf")?.0 == "/\(name)/leaf")
        }
        #expect(try resolve(tree, "/segment1001/leaf") == nil)
        #expect(try resolve(tree, "/%C3%A9/leaf")?.0 == "/é/leaf")
    }
}
