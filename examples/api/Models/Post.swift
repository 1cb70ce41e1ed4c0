import RouteHandlers

/// A post as the API shows it.
struct Post: Codable, Sendable, Equatable {
    var id: Int64
    var title: String
    var body: String
    var authorId: Int64
}

/// The body of `POST /api/posts`.
struct PostInput: Decodable, Sendable {
    var title: String
    var body: String
    var authorId: Int64

    /// Trims the title and checks the fields (whether the author exists is the database's check).
    /// - Throws: ``HTTPError`` 422 naming the first invalid field.
    func validated() throws(HTTPError) -> PostInput {
        let title = title.trimmed
        guard !title.isEmpty else {
            throw HTTPError(.unprocessableContent, #"Field "title" must not be empty."#)
        }
        guard authorId > 0 else {
            throw HTTPError(.unprocessableContent, #"Field "authorId" must be the id of an existing user."#)
        }
        return PostInput(title: title, body: body, authorId: authorId)
    }
}
