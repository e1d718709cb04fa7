import Foundation
import FiscalCore
import Sandbox
import Testing

@testable import ReceiptParser

@Suite("The real saved /check page")
struct RealPageTests {
    @Test("parses to the hand-written golden JSON, field by field")
    func golden() throws {
        let parsed = try ReceiptPageParser.parse(html: try Fixture.realPage)
        let line = ReceiptJSONFormat.line(file: Fixture.realPageName, state: .receipt, parsed: parsed)
        let actual = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary
        let expected = try JSONSerialization.jsonObject(
            with: Data(try Fixture.bytes("check-LG420230644664-84229.golden.json"))) as? NSDictionary
        let actualItems = try #require(actual?["items"] as? [NSDictionary])
        let expectedItems = try #require(expected?["items"] as? [NSDictionary])
        #expect(actualItems.count == expectedItems.count)
        for (index, (got, want)) in zip(actualItems, expectedItems).enumerated() {
            #expect(got == want, "item \(index)")
        }
        for key in (expected?.allKeys as? [String]) ?? [] where key != "items" {
            #expect(actual?[key] as? NSObject == expected?[key] as? NSObject, "key \(key)")
        }
        #expect(actual == expected)
        #expect(parsed.warnings.isEmpty, "\(parsed.warnings)")
    }

    @Test("the link supplies the fiscal sign and the seconds of the same minute, and only of the same minute")
    func referenceFillsGaps() throws {
        let page = try Fixture.realPage
        let link = try ReceiptReference(url: "https://ofd.soliq.uz/check?t=LG420230644664&r=84229&c=20260407105733&s=088681055845")
        let parsed = try ReceiptPageParser.parse(html: page, reference: link)
        #expect(parsed.receipt.fiscalSign == "088681055845")
        #expect(Tashkent.iso8601(parsed.receipt.issuedAt) == "2026-04-07T10:57:33+05:00")

        let otherMinute = try ReceiptReference(url: "https://ofd.soliq.uz/check?t=LG420230644664&r=84229&c=20260407105833&s=1")
        let kept = try ReceiptPageParser.parse(html: page, reference: otherMinute)
        #expect(Tashkent.iso8601(kept.receipt.issuedAt) == "2026-04-07T10:57:00+05:00")
    }

    @Test("is classified as a receipt")
    func classified() throws {
        #expect(ReceiptPageParser.classify(html: try Fixture.realPage) == .receipt)
    }

    /// Structural facts of the legacy layout, as XPaths: the renderer must produce the same structure as the real
    /// page, so that neither the parser nor the renderer can drift alone.
    static let structuralXPaths = [
        "count(//div[@class='ticket-wrap']/table/tr/td/div[@class='tickets']/div/table)",
        "count(//div[@class='tickets']/div/table/tbody)",
        "count(//table[@class='products-tables']/thead/tr)",
        "count(//table[@class='products-tables']/tbody/tr[@class='products-row'])",
        "count(//table[@class='products-tables']/tbody/tr[@class='nds-row'])",
        "count(//table[@class='products-tables']/tbody/tr[@class='code-row'])",
        "count(//tr[@class='products-row']/td[@class='price-sum'])",
        "count(//td[@class='nds-sum'])",
        "count(//h3[contains(@style, 'bold')])",
        "count(//td[h3[contains(@style, 'bold')]]/i)",
        "count(//span[@class='left'])",
        "count(//td[contains(@style, 'padding-bottom')]/i)",
        "count(//div[@id='exampleModalLong'])",
        "count(//tr[not(.//tr)])",
    ]

    @Test("the sandbox renderer reproduces the real page's structure, labels and values")
    func rendererMatchesRealStructure() throws {
        let page = try Fixture.realPage
        let parsed = try ReceiptPageParser.parse(html: page)
        let rendered = Array(SandboxReceipts.legacyPage(parsed.receipt).utf8)
        let real = try #require(HTMLDocument(parsing: page))
        let ours = try #require(HTMLDocument(parsing: rendered))
        for xpath in Self.structuralXPaths {
            #expect(real.number(xpath) != nil && real.number(xpath) == ours.number(xpath), "\(xpath)")
        }
        #expect(real.number("count(//table[@class='products-tables']/tbody/tr[@class='products-row'])") == 8)
        // Every innermost row, in order: its class and the label key of its first cell.
        #expect(Self.rowSignature(real) == Self.rowSignature(ours))
        let reparsed = try ReceiptPageParser.parse(html: rendered)
        #expect(reparsed.receipt == parsed.receipt, "\(Fixture.difference(parsed.receipt, reparsed.receipt))")
    }

    @Test("an /epi page from the renderer has the /epi differences of the real layout")
    func epiStructure() throws {
        let spec = Fixture.spec(seed: 7)
        let document = try #require(HTMLDocument(parsing: Array(SandboxReceipts.legacyPage(SandboxReceipts.receipt(for: spec)).utf8)))
        #expect(document.number("count(//span[@class='left'])") == 2)  // Chek raqami, Marketpleys nomi
        #expect(document.number("count(//img[starts-with(@src, 'data:image/png;base64,')])") == 1)
        let rows = document.nodes(ReceiptPageParser.innermostRowsXPath).map { TextNormalization.labelKey($0.children(named: "td").first?.text ?? "") }
        #expect(rows.filter { $0 == "fiskal belgi" }.count == 1)
        #expect(!rows.contains("sn"))
    }

    @Test("the one-pass scan finds exactly the rows of //tr[not(.//tr)], on the real page and on hostile pages")
    func scanMatchesXPath() throws {
        let pages = [
            try Fixture.realPage,
            Array(SandboxReceipts.legacyPage(RoundTripTests.crafted[3].1).utf8),
            Array("<table><tr><td><table><tr><td>a</td></tr><Tr><td>b</tD></table></td></tr><tr><td>c".utf8),
            Array(String(repeating: "<table><tr><td>", count: 300).utf8),
        ]
        for page in pages {
            let document = try #require(HTMLDocument(parsing: page))
            let viaXPath = document.nodes(ReceiptPageParser.innermostRowsXPath).map(\.pointer)
            let viaScan = PageScan(document).innermostRows.map(\.pointer)
            #expect(viaScan == viaXPath)
            #expect(!viaScan.isEmpty)
        }
    }

    static func rowSignature(_ document: HTMLDocument) -> [String] {
        document.nodes(ReceiptPageParser.innermostRowsXPath).map { row in
            let label = row.children(named: "td").first.map { TextNormalization.labelKey($0.text) } ?? ""
            let isValueRow = ["products-row"].contains(row.attribute("class") ?? "")
            return (row.attribute("class") ?? "-") + ":" + (isValueRow ? "<item>" : label)
        }
    }
}
