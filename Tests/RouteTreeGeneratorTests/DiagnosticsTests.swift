import Foundation
import RouteTreeGenerator
import Testing

/// An `app/` tree written to a temporary directory, for one test.
struct TemporaryApp {
    let root: String
    var app: String { root + "/app" }

    init(_ files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.path + "/route-tree-gen-tests-" + UUID().uuidString
        for (path, contents) in files {
            let full = root + "/app/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: full, atomically: true, encoding: .utf8)
        }
    }

    /// The diagnostics generation fails with, as printed; empty when it succeeds.
    func diagnostics() -> [String] {
        defer { try? FileManager.default.removeItem(atPath: root) }
        do {
            _ = try RouteTreeGenerator(appDirectory: app)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }
}

let get = "import RouteHandlers\nfunc GET() -> Response { .text(\"\") }\n"

/// Each build-time error the issue lists, with the exact `path:line: error: message` text.
@Suite struct DiagnosticsTests {
    @Test func twoRouteFilesForOneURLThroughGroups() throws {
        let tree = try TemporaryApp(["(admin)/users/route.swift": get, "(shop)/users/route.swift": get])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/(shop)/users/route.swift:1: error: Routes app/(admin)/users/route.swift and app/(shop)/users/route.swift resolve to the same URL /users.",
                "\(tree.app)/(admin)/users/route.swift:1: note: The other route is defined here.",
            ])
    }

    @Test func differentSlugNamesAtOnePosition() throws {
        let tree = try TemporaryApp(["users/[id]/route.swift": get, "users/[slug]/edit/route.swift": get])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/users/[slug]/edit/route.swift:1: error: You cannot use different slug names for the same dynamic path ('id' !== 'slug').",
                "\(tree.app)/users/[id]/route.swift:1: note: The other route is defined here.",
            ])
    }

    @Test func repeatedSlugName() throws {
        let tree = try TemporaryApp(["[id]/posts/[id]/route.swift": get])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/[id]/posts/[id]/route.swift:1: error: You cannot have the same slug name \"id\" repeat within a single dynamic path."
            ])
    }

    @Test func catchAllNotLast() throws {
        let tree = try TemporaryApp(["docs/[...slug]/edit/route.swift": get])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/docs/[...slug]/edit/route.swift:1: error: Catch-all segment \"[...slug]\" must be the last segment of the route."
            ])
    }

    @Test func requiredAndOptionalCatchAllAtOneLevel() throws {
        let tree = try TemporaryApp(["docs/[...slug]/route.swift": get, "docs/[[...slug]]/route.swift": get])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/docs/[[...slug]]/route.swift:1: error: You cannot use both a required and an optional catch-all route at the same level (\"[...slug]\" and \"[[...slug]]\" under /docs).",
                "\(tree.app)/docs/[...slug]/route.swift:1: note: The other route is defined here.",
            ])
    }

    @Test func optionalCatchAllAndRouteOfTheSameSpecificity() throws {
        let tree = try TemporaryApp(["shop/route.swift": get, "shop/[[...slug]]/route.swift": get])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/shop/route.swift:1: error: You cannot define a route with the same specificity as an optional catch-all route (\"/shop\" and \"/shop/[[...slug]]\").",
                "\(tree.app)/shop/[[...slug]]/route.swift:1: note: The other route is defined here.",
            ])
    }

    @Test func routeFileWithoutMethods() throws {
        let tree = try TemporaryApp(["users/route.swift": "import RouteHandlers\n\nfunc helper() {}\n"])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/users/route.swift:1: error: This route file exports no HTTP method handler: define at least one of func GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS."
            ])
    }

    @Test func lowercaseAndMisspelledMethods() throws {
        let source = """
            import RouteHandlers

            func get() -> Response { .text("") }
            func Post() -> Response { .text("") }
            func POSTS() -> Response { .text("") }
            func DELET() -> Response { .text("") }
            func OPTION() -> Response { .text("") }
            func JSON() -> Response { .text("") }
            func load() {}
            """
        let tree = try TemporaryApp(["users/route.swift": source])
        let file = "\(tree.app)/users/route.swift"
        let methods = "Route handlers are named GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (uppercase)."
        #expect(
            tree.diagnostics() == [
                "\(file):3: error: 'get' is not an HTTP method handler: did you mean 'GET'? \(methods)",
                "\(file):4: error: 'Post' is not an HTTP method handler: did you mean 'POST'? \(methods)",
                "\(file):5: error: 'POSTS' is not an HTTP method handler: did you mean 'POST'? \(methods)",
                "\(file):6: error: 'DELET' is not an HTTP method handler: did you mean 'DELETE'? \(methods)",
                "\(file):7: error: 'OPTION' is not an HTTP method handler: did you mean 'OPTIONS'? \(methods)",
            ])
    }

    @Test func methodDefinedTwiceOrWithTooManyParameters() throws {
        let source = """
            import RouteHandlers
            func GET() -> Response { .text("") }
            func GET(_ request: Request) -> Response { .text("") }
            func POST(_ a: Request, _ b: Context, _ c: Int) -> Response { .text("") }
            """
        let tree = try TemporaryApp(["route.swift": source])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/route.swift:3: error: GET is defined more than once in this route file (first at line 2); a route exports each method once.",
                "\(tree.app)/route.swift:4: error: POST takes 3 parameters; a route handler takes none, the request, or the request and the context.",
            ])
    }

    @Test func invalidFolderNames() throws {
        let tree = try TemporaryApp([
            "api/[id/route.swift": get, "api/[id/more/route.swift": get, "a]b/route.swift": get, "[..id]/route.swift": get,
        ])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/[..id]/route.swift:1: error: Invalid route segment \"[..id]\": segment names may not start with erroneous periods ('..id'). (folder app/[..id])",
                "\(tree.app)/a]b/route.swift:1: error: Invalid route segment \"a]b\": brackets and parentheses are only allowed around a whole segment. (folder app/a]b)",
                "\(tree.app)/api/[id/more/route.swift:1: error: Invalid route segment \"[id\": a dynamic segment is written [name]. (folder app/api/[id)",
            ])
    }

    @Test func dynamicSegmentBesideAnOptionalCatchAll() throws {
        // Accepted, as by Next.js; the resolver tries [slug] first (FileRoutingTests serve it).
        let tree = try TemporaryApp([
            "docs/[slug]/route.swift": get, "docs/[[...slug]]/route.swift": get,
            "p3/[id]/route.swift": get, "p3/[id]/abc/route.swift": get, "p3/[[...rest]]/route.swift": get,
        ])
        #expect(tree.diagnostics() == [])
    }

    @Test func parameterNamesThatAreNotSwiftIdentifiers() throws {
        let tree = try TemporaryApp([
            "[root-slug]/route.swift": get, "users/[user-id]/route.swift": get, "x/[this-is_my-route]/route.swift": get,
            "y/[1x]/[...file-path]/route.swift": get, "z/[é]/[[...rest of it]]/route.swift": get,
        ])
        #expect(tree.diagnostics() == [])
    }

    @Test func nextsDynamicRoutingTreeIsAccepted() throws {
        // The page tree of Next.js's test/integration/dynamic-routing, as route files; and its route-regex names.
        let folders = [
            "", "another", "[name]", "[name]/comments", "[name]/on-mount-redir", "[name]/[comment]",
            "[name]/[comment]/[...rest]", "b/[123]", "blog/[name]/comment/[id]",
            "c/[alongparamnameshouldbeallowedeventhoughweird]", "catchall-dash/[...hello-world]", "d/[id]",
            "dash/[hello-world]", "index/[...slug]", "on-mount/[post]", "p1/p2/all-ssg/[...rest]",
            "p1/p2/all-ssr/[...rest]", "p1/p2/nested-all-ssg/[...rest]", "p1/p2/predefined-ssg/[...rest]",
            "x/[foo-bar]", "y/[foo_id]", "z/[123invalid]", "w/[" + String(repeating: "a", count: 35) + "]",
        ]
        let tree = try TemporaryApp(
            Dictionary(uniqueKeysWithValues: folders.map { ($0.isEmpty ? "route.swift" : $0 + "/route.swift", get) }))
        #expect(tree.diagnostics() == [])
    }

    @Test func nextsAppRoutesTreeIsAccepted() throws {
        // The route handlers of Next.js's test/e2e/app-dir/app-routes: dotted folders, groups, a catch-all beside a
        // static segment under a dynamic one, folders named like methods.
        let folders = [
            "basic/endpoint", "basic/(grouped)/endpoint/nested", "basic/[tenantID]/endpoint", "basic/[tenantID]/[...resource]",
            "api/hello.json", "api/dynamic", "static/[slug]/data.json", "revalidate-1/[slug]/data.json", "robots.txt",
            "lowercase/get", "lowercase/delete", "methods/head", "status/405", "status/500/next", "hooks/not-found/edge",
        ]
        let tree = try TemporaryApp(Dictionary(uniqueKeysWithValues: folders.map { ($0 + "/route.swift", get) }))
        #expect(tree.diagnostics() == [])
    }

    @Test func parameterNamesDifferingOnlyByNonWordCharacters() throws {
        let tree = try TemporaryApp(["blog/[helloworld]/route.swift": get, "blog/[helloworld]/[hello-world]/route.swift": get])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/blog/[helloworld]/[hello-world]/route.swift:1: error: You cannot have the slug names \"helloworld\" and \"hello-world\" differ only by non-word symbols within a single dynamic path."
            ])
    }

    @Test func parameterNamesSwiftCannotSpell() throws {
        let tree = try TemporaryApp([
            "a/[+]/route.swift": get, "b/[$x]/route.swift": get, "c/[[...a\\b]]/route.swift": get, "d/[ ]/route.swift": get,
            "e/[a\tb]/route.swift": get,
        ])
        let property = "cannot be a property of the route's Params"
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/a/[+]/route.swift:1: error: Invalid route segment \"[+]\": the parameter name \"+\" \(property): a name made only of operator characters is an operator in Swift, even in backticks. (folder app/a/[+])",
                "\(tree.app)/b/[$x]/route.swift:1: error: Invalid route segment \"[$x]\": the parameter name \"$x\" \(property): Swift reserves names starting with $. (folder app/b/[$x])",
                "\(tree.app)/c/[[...a\\b]]/route.swift:1: error: Invalid route segment \"[[...a\\b]]\": the parameter name \"a\\b\" \(property): Swift identifiers cannot contain \\, even in backticks. (folder app/c/[[...a\\b]])",
                "\(tree.app)/d/[ ]/route.swift:1: error: Invalid route segment \"[ ]\": the parameter name \" \" \(property): a Swift identifier cannot be only spaces. (folder app/d/[ ])",
                "\(tree.app)/e/[a\tb]/route.swift:1: error: Invalid route segment \"[a\tb]\": the parameter name \"a\tb\" \(property): Swift identifiers cannot contain control characters or whitespace other than a space. (folder app/e/[a\tb])",
            ])
    }

    @Test func parallelAndInterceptingRoutesArePagesOnly() throws {
        let tree = try TemporaryApp([
            "@modal/login/route.swift": get, "feed/(.)photo/[id]/route.swift": get, "feed/(..)photo/route.swift": get,
            "a/b/(..)(..)photo/page.html": "<p>photo</p>", "(...)photo/route.swift": get, "(group)/route.swift": get,
        ])
        let parallel =
            "parallel routes (@slot folders) are for pages only; Next.js renders a slot into a layout, which route handlers do not have. Write %40 for a literal @."
        func intercepting(_ marker: String) -> String {
            "intercepting routes (\(marker) folders) are for pages only; Next.js shows an intercepted page in the current layout on client-side navigation, which route handlers do not have."
        }
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/(...)photo/route.swift:1: error: Invalid route segment \"(...)photo\": \(intercepting("(...)")) (folder app/(...)photo)",
                "\(tree.app)/@modal/login/route.swift:1: error: Invalid route segment \"@modal\": \(parallel) (folder app/@modal)",
                "\(tree.app)/a/b/(..)(..)photo/page.html:1: error: Invalid route segment \"(..)(..)photo\": \(intercepting("(..)(..)")) (folder app/a/b/(..)(..)photo)",
                "\(tree.app)/feed/(.)photo/[id]/route.swift:1: error: Invalid route segment \"(.)photo\": \(intercepting("(.)")) (folder app/feed/(.)photo)",
                "\(tree.app)/feed/(..)photo/route.swift:1: error: Invalid route segment \"(..)photo\": \(intercepting("(..)")) (folder app/feed/(..)photo)",
            ])
    }

    @Test func aLiteralAtSignIsWrittenEscaped() throws {
        let tree = try TemporaryApp(["%40me/route.swift": get])
        #expect(tree.diagnostics() == [])
    }

    @Test func routeAndPageInOneFolder() throws {
        let tree = try TemporaryApp(["(docs)/api/route.swift": get, "(docs)/api/page.html": "<p>docs</p>"])
        #expect(
            tree.diagnostics() == [
                "\(tree.app)/(docs)/api/route.swift:1: error: Conflicting route and page at /api: route at app/(docs)/api/route.swift and page at app/(docs)/api/page.html. A folder holds either a route.swift or a page, not both."
            ])
    }

    @Test func privateFoldersAreNotChecked() throws {
        let tree = try TemporaryApp(["_lib/[broken/route.swift": "func get() {}", "route.swift": get])
        #expect(tree.diagnostics() == [])
    }
}
