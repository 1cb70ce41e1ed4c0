/// The fortunes test's page: TFB's exact markup, one table row per fortune.
enum FortunesPage {
    static func render(_ fortunes: [Fortune]) -> String {
        var html = "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>"
        html.reserveCapacity(html.utf8.count + fortunes.count * 96)
        for fortune in fortunes {
            html += "<tr><td>\(fortune.id)</td><td>"
            appendEscaped(fortune.message, to: &html)
            html += "</td></tr>"
        }
        html += "</table></body></html>"
        return html
    }

    /// Appends `text` with the five characters that are markup in HTML escaped, so that a message shows as text
    /// (TFB's `<script>` fortune must not run).
    static func appendEscaped(_ text: String, to html: inout String) {
        for character in text.unicodeScalars {
            switch character {
            case "&": html += "&amp;"
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            case "\"": html += "&quot;"
            case "'": html += "&#39;"
            default: html.unicodeScalars.append(character)
            }
        }
    }
}
