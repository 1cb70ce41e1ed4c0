import RouteHandlers

/// A user as the API shows it.
struct User: Codable, Sendable, Equatable {
    var id: Int64
    var name: String
    var email: String
}

/// The body of `POST /api/users` and `PUT /api/users/[id]`.
struct UserInput: Decodable, Sendable {
    var name: String
    var email: String

    /// Trims the fields and checks them.
    /// - Throws: ``HTTPError`` 422 naming the first invalid field.
    func validated() throws(HTTPError) -> UserInput {
        let name = name.trimmed
        let email = email.trimmed
        guard !name.isEmpty else {
            throw HTTPError(.unprocessableContent, #"Field "name" must not be empty."#)
        }
        guard name.count <= 200 else {
            throw HTTPError(.unprocessableContent, #"Field "name" must be at most 200 characters."#)
        }
        guard Self.looksLikeEmail(email) else {
            throw HTTPError(.unprocessableContent, #"Field "email" must be an email address, such as ada@example.com."#)
        }
        return UserInput(name: name, email: email)
    }

    /// One `@` with text on both sides, no whitespace: enough to catch typos, without pretending to be RFC 5322.
    static func looksLikeEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return email.count <= 254 && parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !email.contains { $0.isWhitespace }
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace.
    var trimmed: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
