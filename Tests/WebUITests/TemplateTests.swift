import Archive
import FiscalCore
import Foundation
import Testing

@testable import WebUI

@Suite("Templates")
struct TemplateTests {
    /// Text an attacker controls (a receipt's seller or item name, a failure reason, a search): markup, a quote
    /// that would end an attribute, an event handler and a script.
    static let hostile = #"<script>alert(1)</script>"' onmouseover="alert(2)"><img src=x onerror=alert(3)>"#

    /// Every page template, rendered with the hostile text in every field a model has.
    static func hostilePages() -> [(name: String, model: Any)] {
        let h = hostile
        let chrome = Chrome(signedIn: true)
        let form = SearchForm(q: h, terminal: h, receipt: h, from: h, to: h, min: h, max: h, hasFilters: true)
        let fact = Fact(label: h, value: h, link: h, style: h)
        let hit = HitRow(
            id: h, link: h, type: h, paidAt: h, amount: h, status: h, seller: h, sellerTIN: h, fiscalSign: h,
            terminalReceipt: h, receiptKind: h, state: h, stateClass: h, matchedBy: h)
        let item = ItemRow(
            number: 1, name: h, quantity: h, unit: h, lineTotal: h, discount: h, other: h, vat: h, mxik: h, barcode: h,
            markingCode: h, commissioner: h)
        let card = ReceiptCard(
            kind: h, sellerName: h, sellerTIN: h, sellerAddress: h, marketplace: h, cashRegister: h, terminal: h,
            number: h, fiscalSign: h, issuedAt: h, items: [item], total: h, vatTotal: h, cash: h, card: h, cardType: h,
            rrn: h, source: h)
        let integrity = IntegrityView(
            intact: false, sha256: h, facts: [fact], frameSource: h, textLink: h, downloadLink: h, isHTML: true)
        let attention = AttentionRow(id: h, link: h, step: h, reason: h, attempts: h, nextAttempt: h)
        return [
            ("home", HomePage(chrome: chrome, form: form)),
            ("search", SearchPage(
                chrome: chrome, form: form, error: h, interpretation: h, hits: [hit], hasHits: true, page: 2, prev: h,
                next: h)),
            ("receipt", ReceiptPage(
                chrome: chrome, id: h, type: h, state: h, stateClass: h, facts: [fact], receipt: card, noReceipt: h,
                warnings: [h], notices: [h], integrity: integrity, noOriginal: false,
                events: [EventRow(kind: h, amount: h, occurredAt: h, source: h, note: h)],
                operations: [OperationRow(
                    id: h, kind: h, amount: h, state: h, user: h, createdAt: h, completedAt: h, reason: h)],
                history: [fact])),
            ("months", MonthsPage(
                chrome: chrome, months: [MonthRow(label: h, value: h, htmlLink: h, csvLink: h)], reportsEnabled: true)),
            ("status", StatusPage(
                chrome: chrome, states: [fact], totals: [fact], failures: [attention], waiting: [attention])),
            ("login", LoginPage(chrome: chrome, message: h, next: h)),
            ("error", ErrorPage(chrome: chrome, title: h, message: h)),
        ]
    }

    /// The tags of a page with their quoted attribute values emptied: what a browser would treat as markup.
    static func markup(_ html: String) -> [String] {
        let tags = html.matches(of: /<[^>]*>/).map { String($0.output) }
        return tags.map { $0.replacing(/"[^"]*"/, with: "\"\"") }
    }

    @Test("Hostile text in any field of any page renders as text, never as markup")
    func hostileTextIsEscaped() throws {
        let renderer = try PageRenderer()
        for (name, model) in Self.hostilePages() {
            let html = renderer.render(name, model)
            #expect(html.hasPrefix("<!DOCTYPE html>"), "\(name) did not render")
            // The hostile text did reach the page, escaped.
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(name) shows none of the fields")
            #expect(!html.lowercased().contains("<script"), "\(name) carries a script")
            #expect(!html.contains("<img"), "\(name) carries the injected image")
            for tag in Self.markup(html) {
                #expect(tag.firstMatch(of: /\son[a-z]+\s*=/.ignoresCase()) == nil, "\(name): event handler in \(tag)")
            }
            #expect(!html.contains("{{"), "\(name) left a tag unrendered")
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
