import Foundation
import RouteHandlersTestHarness
import Testing

/// TFB's fortunes test.
@Suite struct FortuneTests {
    /// TFB's page, byte for byte as this app writes it: its twelve fortunes and the one added at request time,
    /// sorted by message (code point order: `<` before `A`, upper case before lower case, ASCII before Japanese),
    /// each message HTML-escaped (`'` as `&#39;`, which TFB's parser reads as `&apos;`).
    static let expected = """
        <!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>\
        <tr><td>11</td><td>&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;</td></tr>\
        <tr><td>4</td><td>A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1</td></tr>\
        <tr><td>5</td><td>A computer program does what you tell it to do, not what you want it to do.</td></tr>\
        <tr><td>2</td><td>A computer scientist is someone who fixes things that aren&#39;t broken.</td></tr>\
        <tr><td>8</td><td>A list is only as strong as its weakest link. — Donald Knuth</td></tr>\
        <tr><td>0</td><td>Additional fortune added at request time.</td></tr>\
        <tr><td>3</td><td>After enough decimal places, nobody gives a damn.</td></tr>\
        <tr><td>7</td><td>Any program that runs right is obsolete.</td></tr>\
        <tr><td>10</td><td>Computers make very fast, very accurate mistakes.</td></tr>\
        <tr><td>6</td><td>Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen</td></tr>\
        <tr><td>9</td><td>Feature: A bug with seniority.</td></tr>\
        <tr><td>1</td><td>fortune: No such file or directory</td></tr>\
        <tr><td>12</td><td>フレームワークのベンチマーク</td></tr>\
        </table></body></html>
        """

    @Test func fortunesIsTFBsPage() async throws {
        try await withTechEmpower { server in
            let response = try await server.request("/fortunes")
            expectTFBHeaders(response, contentType: "text/html; charset=utf-8")
            #expect(response.text == Self.expected)
            // The body is UTF-8: Content-Length counts bytes, not characters.
            #expect(response.body.count == Self.expected.utf8.count)
        }
    }

    /// The rows come from the database at each request: one added there is on the next page, escaped and in its
    /// place; the added-at-request-time row is not stored.
    @Test func fortunesReadsTheTableAtEachRequest() async throws {
        try await withTechEmpower { server in
            try await server.sql(#"INSERT INTO fortune (id, message) VALUES (13, 'Ampersands & "quotes" aren''t <b>bold</b>')"#)
            let text = try await server.request("/fortunes").text
            let row = "<tr><td>13</td><td>Ampersands &amp; &quot;quotes&quot; aren&#39;t &lt;b&gt;bold&lt;/b&gt;</td></tr>"
            // "Af" < "Am" < "An".
            #expect(
                text.contains(
                    "<tr><td>3</td><td>After enough decimal places, nobody gives a damn.</td></tr>" + row
                        + "<tr><td>7</td><td>Any program"))
            #expect(try await server.sql("SELECT count(*) FROM fortune WHERE id = 0") == [["0"]])
        }
    }
}
