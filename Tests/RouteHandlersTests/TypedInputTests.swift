import HTTPTypes
import RouteHandlers
import RouteHandlersTesting
import Testing

/// `request.query(T.self)` and `request.form(T.self)`: urlencoded and multipart fields decoded into `Decodable`
/// types, every bad field named in one problem.
@Suite struct TypedInputTests {
    enum Sort: String, Decodable, CaseIterable { case newest, oldest }

    struct Search: Decodable, Equatable {
        var q: String
        var page: Int
        var limit: Int?
        var sort: Sort?
        var tags: [String]
        var exact: Bool
    }

    struct Signup: Decodable, Validatable {
        var email: String
        var age: Int
        var address: Address
        var avatar: FormData.File?

        struct Address: Decodable {
            var city: String
            var zip: String
        }

        func validate(_ check: inout Validation) {
            check(email.contains("@"), "email", "must be an e-mail address")
            check((13...130).contains(age), "age", "must be between 13 and 130")
        }
    }

    @Test func aQueryDecodesWithOptionalsEnumsArraysAndCheckboxes() throws {
        let search = try URLSearchParams("q=swift+nio&page=2&sort=oldest&tags=a&tags[]=b&exact=on").decode(Search.self)
        #expect(search == Search(q: "swift nio", page: 2, limit: nil, sort: .oldest, tags: ["a", "b"], exact: true))
        let bare = try URLSearchParams("q=x&page=1&limit=").decode(Search.self)
        #expect(bare.limit == nil && bare.tags.isEmpty && !bare.exact)
    }

    @Test func everyBadParameterIsNamedWithItsReason() {
        #expect(
            throws: InvalidInput(fields: [
                .init(name: "q", reason: "is required"),
                .init(name: "page", reason: "must be a whole number"),
                .init(name: "limit", reason: "must be a whole number"),
                .init(name: "exact", reason: "must be true or false"),
            ])
        ) {
            try URLSearchParams("page=two&limit=1.5&exact=maybe").decode(Search.self)
        }
        #expect(throws: InvalidInput(fields: [.init(name: "sort", reason: "must be one of: newest, oldest")])) {
            try URLSearchParams("q=x&page=1&sort=random").decode(Search.self)
        }
    }

    @Test func theRequestAnswers400ForAQueryAnd422ForAFormNamingEachField() async throws {
        var router = Router()
        router.get("/search") { request, _ in
            let search = try request.query(Search.self)
            return .json(["q": search.q, "page": String(search.page)])
        }
        router.post("/signup") { request, _ in
            let signup = try await request.form(Signup.self)
            return .json(["city": signup.address.city, "avatar": signup.avatar?.filename ?? "-"])
        }
        try await router.test { (client: TestClient) throws in
            #expect(try await client.get("/search?q=a&page=3").text == #"{"page":"3","q":"a"}"#)
            let bad = try await client.get("/search?page=x")
            #expect(bad.status == .badRequest)
            #expect(bad.headers.get("Content-Type") == "application/problem+json")
            let problem = try bad.json(JSONValue.self)
            #expect(
                problem["invalid-params"]
                    == .array([
                        .object(["name": .string("q"), "reason": .string("is required")]),
                        .object(["name": .string("page"), "reason": .string("must be a whole number")]),
                    ]))
            #expect(problem["detail"]?.stringValue == "Invalid fields: q is required; page must be a whole number.")

            let form: Headers = ["Content-Type": "application/x-www-form-urlencoded"]
            let ok = try await client.post(
                "/signup", headers: form, body: RequestBody("email=a%40b.c&age=30&address[city]=Oslo&address[zip]=0150"))
            #expect(ok.text == #"{"avatar":"-","city":"Oslo"}"#)
            let invalid = try await client.post("/signup", headers: form, body: RequestBody("email=nope&age=7&address[city]=Oslo"))
            #expect(invalid.status == .unprocessableContent)
            let names = try invalid.json(JSONValue.self)["invalid-params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            // The checks of Validatable run once every field decoded.
            #expect(names == ["address[zip]"])
            let checks = try await client.post(
                "/signup", headers: form, body: RequestBody("email=nope&age=7&address[city]=Oslo&address[zip]=1"))
            let checked = try checks.json(JSONValue.self)["invalid-params"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(checked == ["email", "age"])

            let boundary = "XyZ"
            let multipart = [
                "--\(boundary)", #"Content-Disposition: form-data; name="email""#, "", "ada@example.com",
                "--\(boundary)", #"Content-Disposition: form-data; name="age""#, "", "36",
                "--\(boundary)", #"Content-Disposition: form-data; name="address[city]""#, "", "London",
                "--\(boundary)", #"Content-Disposition: form-data; name="address[zip]""#, "", "N1",
                "--\(boundary)", #"Content-Disposition: form-data; name="avatar"; filename="ada.png""#, "Content-Type: image/png", "",
                "PNG",
                "--\(boundary)--", "",
            ].joined(separator: "\r\n")
            let uploaded = try await client.post(
                "/signup", headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: RequestBody(multipart))
            #expect(uploaded.text == #"{"avatar":"ada.png","city":"London"}"#)
        }
    }
}
