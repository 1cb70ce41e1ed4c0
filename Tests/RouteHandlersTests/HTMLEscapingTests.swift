import Testing
@testable import RouteHandlers

@Suite struct HTMLEscapingTests {
    @Test func escapesWhatCouldEndAnElementOrAnAttribute() {
        #expect(escapeHTML(#"<a href="x">Tom & Jerry's</a>"#) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        #expect(escapeHTML("plain ünïcode") == "plain ünïcode")
    }
}
