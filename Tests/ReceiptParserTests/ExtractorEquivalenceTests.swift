import FiscalCore
import Foundation
import Sandbox
import Testing

@testable import ReceiptParser

/// Byte-level mutations of real pages, shared by the equivalence tests and the fuzz run.
enum PageMutator {
    /// Fragments a mutation may insert: markup that moves rows and cells, labels, number formats, hostile bytes.
    static let fragments: [[UInt8]] = [
        "<tr>", "</tr>", "<td>", "</td>", "</tD>", "<table>", "</table>", "<tbody>", "<b>", "</b>", "<i>", "</i>",
        "<span class=\"left\">", "</span>", "<div>", "</div>", "<div class=\"ticket-wrap\">", "<h3>", "</h3>",
        "<h3 style=\"font-weight: bold\">", "<tr class=\"products-row\">", "<td class=\"price-sum\">",
        "<span class=\"markirovka_class\">M</span>", "<!--", "-->", "<![CDATA[x]]>", "<?php x ?>", "<script>",
        "</script>", "&nbsp;", "&#32;", "&amp;", "&", "<", ">", "\u{A0}", "\u{202F}", " ", "\n", "   ",
        "Naqd pul", "Bank kartalari", "Jami to`lov:", "Umumiy QQS qiymati", "QQS foizi", "QQS qiymati", "Click",
        "Payme", "Нақд пул", "Итого", "QQSsiz", "Без НДС", "12 %", "1,268", "0,250", "1 234,56", "1.234,56",
        "167,010.00", "-5", "99999999999999999999", ":", "07.04.2026, 10:57", "Chek raqami : ", "<html>", "</html>",
        "<body>", "</body>", "<p>", "<title>Not Found (#404)</title>", "topilmadi", "<!DOCTYPE html>",
    ].map { Array($0.utf8) } + [[0], [0xFF], [0xC3], [0xE2, 0x80], [0xEF, 0xBB, 0xBF]]

    /// One to `maxEdits` random edits of `page`.
    static func mutate(_ page: [UInt8], random: inout SplitMix64, maxEdits: Int = 4) -> [UInt8] {
        var bytes = page
        let edits = 1 + Int(random.below(Int64(maxEdits)))
        for _ in 0..<edits {
            let position = Int(random.below(Int64(bytes.count + 1)))
            switch random.below(7) {
            case 0:  // delete a range
                let length = min(bytes.count - position, 1 + Int(random.below(400)))
                if length > 0 { bytes.removeSubrange(position..<(position + length)) }
            case 1:  // duplicate a range
                let length = min(bytes.count - position, 1 + Int(random.below(2_000)))
                if length > 0 { bytes.insert(contentsOf: bytes[position..<(position + length)], at: position) }
            case 2, 3:  // insert a fragment
                bytes.insert(contentsOf: fragments[Int(random.below(Int64(fragments.count)))], at: position)
            case 4:  // replace a digit
                if let digit = bytes[position...].firstIndex(where: { $0 >= 48 && $0 <= 57 }) {
                    bytes[digit] = UInt8(48 + random.below(10))
                }
            case 5:  // truncate
                if random.below(4) == 0 { bytes.removeSubrange(position...) }
            default:  // flip a byte
                if position < bytes.count { bytes[position] = UInt8(truncatingIfNeeded: random.next()) }
            }
        }
        return bytes
    }

    /// The pages mutations start from: the real page and sandbox-rendered `/epi` and `/check` pages.
    static func seeds() throws -> [[UInt8]] {
        var pages = [try Fixture.realPage]
        for seed in 0..<6 {
            pages.append(Array(SandboxReceipts.legacyPage(SandboxReceipts.receipt(for: Fixture.spec(seed: UInt64(seed)))).utf8))
        }
        pages += RoundTripTests.crafted.map { Array(SandboxReceipts.legacyPage($0.1).utf8) }
        return pages
    }
}

/// What both extractors must agree on for a page: the facts, and the parse outcome built from them.
enum Agreement {
    /// A description of the first disagreement, or `nil` when the extractors agree.
    static func disagreement(_ page: [UInt8]) -> String? {
        let streaming = StreamingExtractor.facts(html: page) ?? PageFacts()
        let tree = TreeExtractor.facts(html: page) ?? PageFacts()
        guard streaming == tree else { return describe(streaming, tree) }
        let a = outcome(page, .streaming), b = outcome(page, .tree)
        return a == b ? nil : "outcomes differ: \(a) vs \(b)"
    }

    static func outcome(_ page: [UInt8], _ extractor: ReceiptPageParser.Extractor) -> String {
        do {
            let parsed = try ReceiptPageParser.parse(html: page, extractor: extractor)
            return ReceiptJSONFormat.line(file: "", state: .receipt, parsed: parsed)
        } catch {
            return "\(error.state.rawValue): \(error)"
        }
    }

    static func describe(_ a: PageFacts, _ b: PageFacts) -> String {
        if a.hasTicketWrap != b.hasTicketWrap || a.hasSPARoot != b.hasSPARoot { return "page flags differ" }
        if a.messageTexts != b.messageTexts {
            let index = zip(a.messageTexts, b.messageTexts).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
                ?? min(a.messageTexts.count, b.messageTexts.count)
            return "message texts differ at \(index) (counts \(a.messageTexts.count)/\(b.messageTexts.count)): "
                + "\(a.messageTexts.dropFirst(index).first.map { String(reflecting: $0.text.prefix(200)) } ?? "-") vs "
                + "\(b.messageTexts.dropFirst(index).first.map { String(reflecting: $0.text.prefix(200)) } ?? "-")"
        }
        if a.headings != b.headings { return "headings differ: \(a.headings) vs \(b.headings)" }
        if a.rows.count != b.rows.count { return "row counts differ: \(a.rows.count) vs \(b.rows.count)" }
        for (index, (x, y)) in zip(a.rows, b.rows).enumerated() where x != y {
            return "row \(index) differs:\n streaming \(x)\n tree      \(y)"
        }
        return "facts differ"
    }
}

@Suite("The streaming extractor collects what the tree extractor collects")
struct ExtractorEquivalenceTests {
    @Test("the real page, sandbox pages of both layouts and the crafted receipts")
    func wholePages() throws {
        var pages = [try Fixture.realPage]
        for seed in 0..<200 {
            pages.append(Array(SandboxReceipts.legacyPage(SandboxReceipts.receipt(for: Fixture.spec(seed: UInt64(seed)))).utf8))
        }
        pages += RoundTripTests.crafted.map { Array(SandboxReceipts.legacyPage($0.1).utf8) }
        pages += ClassificationTests.pages.map(\.1)
        for (index, page) in pages.enumerated() {
            #expect(Agreement.disagreement(page) == nil, "page \(index)")
        }
        // Not vacuous: the real page yields its eight items through both.
        let facts = try #require(StreamingExtractor.facts(html: try Fixture.realPage))
        #expect(facts.rows.filter(\.isProductsRow).count == 8)
        #expect(facts == TreeExtractor.facts(html: try Fixture.realPage))
    }

    @Test("markup the tree builder treats specially: blanks, references, badges, nesting, text after </html>")
    func trickyMarkup() {
        let pages = [
            "<table><tr><td> <b>EP1</b> </td><td>x<br> <br>y</td></tr></table>",
            "<table><tr><td>a&#32;<i>b</i>&#10;</td></tr></table>",
            "<table><tr><td><span class=\"markirovka_class\"><span>M</span></span> <span>c1</span> <b>c2</b></td></tr></table>",
            "<table><tr><td><div><span class=\"markirovka_class\">M</span></div><span>not a sibling</span></td></tr></table>",
            "<table><tr><td><table><tr><td>inner</td></tr></table></td><td>outer</td></tr></table>",
            "<table><tr><td><div><td><span class=\"left\">Chek raqami : <b>1</b></span></td></div></td></tr></table>",
            "<table><tr><td><b>A1</b><!-- c --></td><td><b>x</b><b>y</b></td><td><i>01.02.2026, 10:00</i> <i>z</i></td></tr></table>",
            "<html><body><p>x</p></body></html><table><tr><td>after</td></tr></table>",
            "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><html><body> <div> x </div> </body></html>",
            "<table><tr><td><script>var a = '<td>';</script>Q</td></tr></table>",
            "<div><div>Chek topilmadi</div> <p> 404 </p></div>",
            "<table><tr><td colspan=2>Naqd pul</td><td> 1,000.00 </td></tr><tr><td>Jami to'lov</td><td>1\u{A0}000,00</td></tr></table><div></div>",
        ]
        for page in pages {
            #expect(Agreement.disagreement(Array(page.utf8)) == nil, "\(page)")
        }
    }

    /// Fuzz seed 66, round 428: a processing instruction inside the two bytes of `у` in the seller's address
    /// (`12-\xd1<?php x ?>\x83й`). libxml2 reports the text on either side as two runs (the PI is its own node in
    /// the tree); the tree reference decoded each run alone (two U+FFFD) while the streaming extractor joined the
    /// bytes first. Joined is right: it is how libxml2 gives the cell's whole text, so the address now reads `12-уй`
    /// through both.
    @Test("a processing instruction splitting a UTF-8 character in the seller's address (fuzz seed 66)")
    func processingInstructionInsideCharacter() throws {
        let receipt = try #require(RoundTripTests.crafted.first { $0.1.seller.address.hasSuffix("12-уй") }).1
        let page = Array(SandboxReceipts.legacyPage(receipt).utf8)
        let wanted = Array("12-уй".utf8)
        let split: [UInt8] = Array("12-".utf8) + [0xD1] + Array("<?php x ?>".utf8) + [0x83] + Array("й".utf8)
        let start = try #require(page.indices.first { page[$0...].starts(with: wanted) })
        var edited = page
        edited.replaceSubrange(start..<(start + wanted.count), with: split)
        #expect(Agreement.disagreement(edited) == nil)
        for extractor in ReceiptPageParser.Extractor.allCases {
            let parsed = try ReceiptPageParser.parse(html: edited, extractor: extractor)
            #expect(parsed.receipt.seller.address == "Самарқанд ш., Ўзбекистон кўчаси, 12-уй", "\(extractor)")
        }
    }

    @Test("deterministically mutated pages (a fixed sample of the fuzz run)")
    func mutatedPages() throws {
        let seeds = try PageMutator.seeds()
        var random = SplitMix64(seed: 14)
        for round in 0..<300 {
            let page = PageMutator.mutate(seeds[round % seeds.count], random: &random)
            #expect(Agreement.disagreement(page) == nil, "round \(round)")
        }
    }
}
