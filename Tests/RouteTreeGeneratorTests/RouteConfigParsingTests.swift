import Foundation
import RouteHandlers
import RouteTreeGenerator
import Testing

/// `let revalidate`, `maxDuration`, `bodyLimit` and `requestBuffering` in a route.swift, as the generator reads them.
@Suite struct RouteConfigParsingTests {
    static func config(_ declarations: String) throws -> RouteConfig {
        let tree = try TemporaryApp(["x/route.swift": declarations + "\n" + get])
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        return try #require(try RouteTreeGenerator(appDirectory: tree.app).routes.first).config
    }

    @Test func literalsOfEachForm() throws {
        #expect(try Self.config("let revalidate = 60") == RouteConfig(revalidate: .seconds(60)))
        #expect(try Self.config("let revalidate: Int = 3_600") == RouteConfig(revalidate: .seconds(3600)))
        #expect(try Self.config("let revalidate = false") == RouteConfig(revalidate: .never))
        #expect(try Self.config("let revalidate = 0 // never cached") == RouteConfig(revalidate: .seconds(0)))
        #expect(try Self.config("let maxDuration = 30") == RouteConfig(maxDuration: .seconds(30)))
        #expect(try Self.config("let bodyLimit = 1_048_576") == RouteConfig(bodyLimit: 1_048_576))
        #expect(try Self.config(#"let bodyLimit = "512k""#) == RouteConfig(bodyLimit: 512 * 1024))
        #expect(try Self.config(#"let bodyLimit = "2MB""#) == RouteConfig(bodyLimit: 2 * 1024 * 1024))
        #expect(try Self.config(#"let bodyLimit = "1g""#) == RouteConfig(bodyLimit: 1 << 30))
        #expect(try Self.config(#"let bodyLimit = "100""#) == RouteConfig(bodyLimit: 100))
        #expect(try Self.config("let requestBuffering = false") == RouteConfig(requestBuffering: false))
        #expect(try Self.config("let requestBuffering: Bool = true") == RouteConfig(requestBuffering: true))
        #expect(try Self.config("let etag = false") == RouteConfig(etag: false))
        #expect(try Self.config(#"let tags = ["posts"]"#) == RouteConfig(tags: ["posts"]))
        #expect(try Self.config(#"let tags: [String] = ["posts", "feed"]"#) == RouteConfig(tags: ["posts", "feed"]))
        #expect(try Self.config("let dynamic = .forceStatic") == RouteConfig(dynamic: .forceStatic))
        #expect(try Self.config("let dynamic: RouteConfig.Dynamic = .forceStatic") == RouteConfig(dynamic: .forceStatic))
        #expect(try Self.config(#"let dynamic = "force-static""#) == RouteConfig(dynamic: .forceStatic))
        #expect(try Self.config(#"let dynamic = "force-dynamic""#) == RouteConfig(dynamic: .forceDynamic))
        #expect(try Self.config("let dynamic = .auto") == RouteConfig(dynamic: .auto))
        #expect(try Self.config("let rateLimit = RateLimit(10, per: .second)") == RouteConfig(rateLimit: RateLimit(10, per: .second)))
        #expect(
            try Self.config(#"let rateLimit = RateLimit(100, per: .minute, burst: 20, key: .header("X-API-Key"))"#)
                == RouteConfig(rateLimit: RateLimit(100, per: .minute, burst: 20, key: .header("X-API-Key"))))
        #expect(
            try Self.config("let rateLimit: RateLimit = RateLimit(1_000, per: .minute, key: .clientIP)")
                == RouteConfig(rateLimit: RateLimit(1000, per: .minute)))
        #expect(try Self.config("let maxConcurrency = 4") == RouteConfig(maxConcurrency: 4))
        #expect(
            try Self.config("let revalidate = 5\nlet maxDuration = 2; let bodyLimit = 10")
                == RouteConfig(revalidate: .seconds(5), maxDuration: .seconds(2), bodyLimit: 10))
    }

    @Test func namesInsideFunctionsOrTypesAreNotConfig() throws {
        let source = """
            struct Limits { let bodyLimit = "nonsense"; static let revalidat = 1 }
            func helper() -> Int { let maxDuration = -1; return maxDuration }
            """
        #expect(try Self.config(source) == RouteConfig())
    }

    @Test func wrongValuesAreBuildErrors() throws {
        for source in [
            "let revalidate = -1", "let revalidate = true", "let revalidate = 1.5", "let maxDuration = \"2\"",
            "let maxDuration = computeIt()", #"let bodyLimit = "2 tb""#, #"let bodyLimit = "99999999999999999999g""#,
            "var bodyLimit = 10", "let revalidate =", "let requestBuffering = \"off\"", "let requestBuffering = 0",
            "let etag = 1", "let tags = []", #"let tags = "posts""#, #"let tags = ["a" "b"]"#, #"let tags = [""]"#, "let tags = [name]",
            "let dynamic = .static", #"let dynamic = "error""#, "let dynamic = true", "let dynamic = forceStatic",
            "let rateLimit = RateLimit(0, per: .second)", "let rateLimit = RateLimit(10, per: .hour)", "let rateLimit = RateLimit(10)",
            "let rateLimit = RateLimit(n, per: .second)", "let rateLimit = RateLimit(10, per: .second, burst: -1)",
            "let rateLimit = RateLimit(10, burst: 2, per: .second)", #"let rateLimit = RateLimit(10, per: .second, key: .header("X Key"))"#,
            "let rateLimit = RateLimit(10, per: .second, key: .cookie)", #"let rateLimit = "10r/s""#, "let rateLimit = limits",
            "let maxConcurrency = 0", "let maxConcurrency = 2_000_000", "let rateLimit = RateLimit(10, per: .second, burst: 9_999_999)",
            "let rateLimit = RateLimit(99999999999, per: .second)", "let maxConcurrency = -2", "let maxConcurrency = \"4\"",
        ] {
            let tree = try TemporaryApp(["x/route.swift": source + "\n" + get])
            let diagnostics = tree.diagnostics()
            #expect(diagnostics.count == 1, "\(source): \(diagnostics)")
            #expect(diagnostics.first?.contains("/x/route.swift:1: error: ") == true, "\(source): \(diagnostics)")
        }
    }
}
