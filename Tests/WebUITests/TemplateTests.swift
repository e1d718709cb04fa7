import Archive
import FiscalCore
import Foundation
import Testing

@testable import WebUI

@Suite("Templates")
struct TemplateTests {
    @Test("No template prints anything unescaped")
    func noTripleBraces() {
        for (name, text) in Templates.all {
            #expect(!text.contains("{{{"), "template \(name) uses {{{ }}}")
            #expect(!text.contains("{{&"), "template \(name) uses {{& }}")
        }
    }

    @Test("No template carries script")
    func noScript() {
        for (name, text) in Templates.all {
            #expect(!text.lowercased().contains("<script"), "template \(name)")
            let handler = text.range(of: #"\son[a-z]+\s*="#, options: [.regularExpression, .caseInsensitive])
            #expect(handler == nil, "template \(name) has an inline event handler")
        }
    }

    @Test("Every template compiles and renders")
    func renders() throws {
        let renderer = try PageRenderer()
        let html = renderer.render("error", ErrorPage(chrome: Chrome(signedIn: true), title: "T", message: "<b>m</b>"))
        #expect(html.contains("&lt;b&gt;m&lt;/b&gt;"))
        #expect(html.contains("Sign out"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
    }

    @Test("An altered original is shown in red as ALTERED")
    func alteredOriginal() throws {
        let renderer = try PageRenderer()
        let original = StoredOriginal(
            id: 1, transactionID: 5, bytes: Array("<p>x</p>".utf8), sha256: String(repeating: "ab", count: 32),
            url: "https://ofd.soliq.uz/epi?t=A&r=1&c=20260101000000&s=1", httpStatus: 200, contentType: nil,
            fetchedAt: 0, format: .html, hashMatches: false)
        let page = ReceiptPage(
            chrome: Chrome(signedIn: false), id: "5", type: "payment", state: "archived", stateClass: "ok", facts: [],
            receipt: nil, noReceipt: "none", warnings: [], notices: [], integrity: WebRoutes.integrity(original),
            noOriginal: false, events: [], operations: [], history: [])
        let html = renderer.render("receipt", page)
        #expect(html.contains("Original ALTERED"))
        #expect(html.contains("class=\"badge bad\""))
        #expect(!html.contains("Original intact"))
        let intact = WebRoutes.integrity(StoredOriginal(
            id: 1, transactionID: 5, bytes: [], sha256: "", url: "", httpStatus: 200, contentType: nil, fetchedAt: 0,
            format: .html, hashMatches: true))
        var good = page
        good.integrity = intact
        let goodHTML = renderer.render("receipt", good)
        #expect(goodHTML.contains("Original intact"))
        #expect(!goodHTML.contains("ALTERED"))
    }

    @Test("Only http(s) links become links")
    func safeLinks() {
        #expect(Display.safeLink("https://ofd.soliq.uz/epi?t=1") != nil)
        #expect(Display.safeLink("javascript:alert(1)") == nil)
        #expect(Display.safeLink("data:text/html,<script>") == nil)
        #expect(Display.safeLink(nil) == nil)
    }

    @Test("Sign-in redirects stay on this site", arguments: [
        ("/receipts/1", "/receipts/1"), ("//evil.example", "/"), ("https://evil.example", "/"), ("/\\evil", "/"),
        ("/login", "/"), (nil, "/"),
    ])
    func safeNext(candidate: String?, expected: String) {
        #expect(LoginRoutes.safeNext(candidate) == expected)
    }
}
