@testable import RouteTreeGenerator
import Testing

@Suite struct SwiftScannerTests {
    func functions(_ source: String) -> [String] {
        SwiftScanner(source).topLevelDeclarations().filter { $0.keyword == "func" }.compactMap(\.name)
    }

    @Test func skipsCommentsAndStrings() {
        let source = #"""
            // func A() {}
            /* func B() /* nested func C() */ func D() */
            let s = "func E() \(f("func F()")) \" func G()"
            let m = """
                func H()
                """
            let r = ##"func I() "# still raw"##
            func GET() {}
            """#
        #expect(functions(source) == ["GET"])
    }

    @Test func onlyTopLevelDeclarations() {
        let source = """
            struct S {
                func GET() {}
                var x: Int { get { 1 } }
            }
            extension S { func POST() {} }
            func DELETE(_ request: Request, _ context: Context) async throws -> Response { let f = { func PUT() {} }; return f() }
            """
        #expect(functions(source) == ["DELETE"])
    }

    @Test func signatures() throws {
        let declarations = SwiftScanner(
            """
            public func GET(request: Request, _ context: Context) async throws(HTTPError) -> Response { }
            func POST<T>(_ r: [String: Int] = [:]) -> Response where T: Sendable {}
            """
        ).topLevelDeclarations()
        let get = try #require(declarations.first)
        #expect(get.parameterLabels == ["request", nil])
        #expect(get.isAsync && get.isThrowing)
        #expect(get.accessModifier != nil)
        let post = try #require(declarations.last)
        #expect(post.parameterLabels == [nil])
        #expect(!post.isAsync && !post.isThrowing)
        #expect(post.line == 2)
    }
}
