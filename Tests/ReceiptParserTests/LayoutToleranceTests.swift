import FiscalCore
import Foundation
import Testing

@testable import ReceiptParser

/// Variants of the real saved page, each made by one small edit of a copy (the fixture file is never changed),
/// parsed by both extractors.
@Suite("Layout tolerance on edited copies of the real page")
struct LayoutToleranceTests {
    static var original: String { get throws { String(decoding: try Fixture.realPage, as: UTF8.self) } }

    /// The real page with each `(old, new)` replaced; every `old` must occur (`count` times when given).
    static func edited(_ edits: [(String, String)], file: String = #fileID, line: Int = #line) throws -> [UInt8] {
        var text = try original
        for (old, new) in edits {
            #expect(text.contains(old), "edit target missing: \(old.prefix(60))")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return Array(text.utf8)
    }

    /// Parses with both extractors, requires they agree, returns the streaming result.
    static func parse(_ page: [UInt8]) throws -> ParsedReceipt {
        #expect(Agreement.disagreement(page) == nil)
        return try ReceiptPageParser.parse(html: page)
    }

    static func parseError(_ page: [UInt8]) -> ReceiptParseError? {
        #expect(Agreement.disagreement(page) == nil)
        do {
            let parsed = try ReceiptPageParser.parse(html: page)
            Issue.record("parsed: \(parsed.receipt.total)")
            return nil
        } catch {
            return error
        }
    }

    /// The whole row of a payment label, as a pattern.
    static func row(_ label: String) -> String { #"<tr>\s*<td[^>]*>"# + label + #"</td>\s*<td[^>]*>[^<]*</td>\s*</tr>"# }
    static let cashRow = row("Naqd pul")
    static let cardRow = row("Bank kartalari")

    /// The real page with the first match of each pattern replaced (`$0` is the match); every pattern must match.
    static func regexEdited(_ edits: [(String, String)]) throws -> [UInt8] {
        var text = try original
        for (pattern, template) in edits {
            let range = try #require(text.range(of: pattern, options: .regularExpression), "no match: \(pattern)")
            let replacement = template.replacingOccurrences(of: "$0", with: String(text[range]))
            text.replaceSubrange(range, with: replacement)
        }
        return Array(text.utf8)
    }

    @Test("the unedited page: cash and card shown, no other methods, no warnings")
    func baseline() throws {
        let parsed = try Self.parse(try Fixture.realPage)
        #expect(parsed.receipt.payment.cashShown == Fixture.money("167,010.00"))
        #expect(parsed.receipt.payment.cardShown == Fixture.money("0"))
        #expect(parsed.receipt.payment.others.isEmpty)
        #expect(parsed.warnings.isEmpty)
    }

    @Test("a card-only page without a cash row parses, cash null")
    func cardOnly() throws {
        let page = try Self.regexEdited([
            (Self.cashRow, ""),
            ("<td align=\"right\"> 0.00 </td>", "<td align=\"right\"> 167,010.00 </td>"),
        ])
        let parsed = try Self.parse(page)
        #expect(parsed.receipt.payment.cashShown == nil)
        #expect(parsed.receipt.payment.cardShown == Fixture.money("167,010.00"))
        #expect(parsed.warnings.isEmpty, "\(parsed.warnings)")
        let line = ReceiptJSONFormat.line(file: "f", state: .receipt, parsed: parsed)
        #expect(line.contains(#""payment":{"cash":null,"card":"167010.00""#))
    }

    @Test("without any payment row the total is still read and no payment warning is raised")
    func noPaymentRows() throws {
        let parsed = try Self.parse(try Self.regexEdited([(Self.cashRow, ""), (Self.cardRow, "")]))
        #expect(parsed.receipt.payment.cashShown == nil && parsed.receipt.payment.cardShown == nil)
        #expect(parsed.receipt.total == Fixture.money("167,010.00"))
        #expect(parsed.warnings.isEmpty, "\(parsed.warnings)")
    }

    @Test("other payment methods are kept as named amounts and count towards the total")
    func otherMethods() throws {
        let page = try Self.regexEdited([
            ("align=\"right\">167,010.00 </td>", "align=\"right\">100,000.00 </td>"),
            (Self.cardRow, "$0<tr><td colspan=\"2\">Click:</td><td align=\"right\">50,000.00</td></tr>\n"
                + "<tr><td colspan=\"2\">PAYME</td><td align=\"right\">17 010,00</td></tr>"),
        ])
        let parsed = try Self.parse(page)
        #expect(parsed.receipt.payment.others == [
            .init(method: "Click", amount: Fixture.money("50,000.00")),
            .init(method: "PAYME", amount: Fixture.money("17,010.00")),
        ])
        #expect(parsed.warnings.isEmpty, "\(parsed.warnings)")
        // Without them the payments would not add up: the methods are really counted.
        var withoutOthers = parsed.receipt
        withoutOthers.payment.others = []
        #expect(ConsistencyCheck.warnings(for: withoutOthers).map(\.kind) == [.paymentsVersusTotal])
    }

    @Test("optional payment rows and other methods survive the archive's Codable form; older documents still decode")
    func archiveForm() throws {
        let page = try Self.regexEdited([
            (Self.cashRow, ""),
            (Self.cardRow, "<tr><td colspan=\"2\">Uzcard</td><td align=\"right\">167,010.00</td></tr>"),
        ])
        let receipt = try Self.parse(page).receipt
        #expect(receipt.payment.cashShown == nil && receipt.payment.cardShown == nil)
        #expect(receipt.payment.others == [.init(method: "Uzcard", amount: Fixture.money("167,010.00"))])
        let document = try JSONEncoder().encode(receipt)
        #expect(try JSONDecoder().decode(FiscalReceipt.self, from: document) == receipt)
        let text = String(decoding: document, as: UTF8.self)
        #expect(!text.contains("\"cash\""))

        // A document written before `others` existed: cash and card present, nothing else.
        let old = try ReceiptPageParser.parse(html: try Fixture.realPage).receipt
        let oldText = #"{"cash":{"minorUnits":16701000,"currency":"UZS"},"card":{"minorUnits":0,"currency":"UZS"}}"#
        let oldPayment = try JSONDecoder().decode(FiscalReceipt.Payment.self, from: Data(oldText.utf8))
        #expect(oldPayment == old.payment)
        #expect(try JSONDecoder().decode(FiscalReceipt.self, from: try JSONEncoder().encode(old)) == old)
    }

    @Test("a label given twice with different values keeps the first and warns naming both values")
    func duplicateLabel() throws {
        let page = try Self.edited([(
            "<td colspan=\"2\">Umumiy QQS qiymati</td>",
            "<td colspan=\"2\">Umumiy QQS qiymati</td><td> 17,893.92 </td></tr><tr><td colspan=\"2\">Umumiy QQS qiymati</td><td> 1.00 </td></tr><tr><td>x</td>"
        )])
        let parsed = try Self.parse(page)
        #expect(parsed.receipt.vatTotal == Fixture.money("17,893.92"))
        #expect(parsed.warnings == [.duplicateLabel(label: "Umumiy QQS qiymati", kept: "17,893.92", ignored: "1.00")])
        #expect(parsed.warnings[0].description.contains("17,893.92") && parsed.warnings[0].description.contains("1.00"))
    }

    /// The fixture's labels and their Cyrillic Uzbek and Russian spellings.
    static let cyrillicUzbek: [(String, String)] = [
        ("Naqd pul", "Нақд пул"), ("Bank kartalari", "Банк карталари"), ("Jami to`lov:", "Жами тўлов:"),
        ("Umumiy QQS qiymati", "Умумий ҚҚС қиймати"), ("QQS qiymati", "ҚҚС қиймати"), ("QQS foizi", "ҚҚС фоизи"),
        ("Chek raqami :", "Чек рақами :"), ("Onlayn NKM nomi :", "Онлайн НКМ номи :"), ("Chegirma/Boshqa", "Чегирма/Бошқа"),
        ("Shtrix kodi", "Штрих коди"), ("MXIK kodi", "МХИК коди"), ("MXIK nomi", "МХИК номи"),
        ("O'lchov birligi", "Ўлчов бирлиги"), ("Markirovka kodi", "Маркировка коди"),
        ("Komitent STIR/JSHSHIR", "Комитент СТИР/ЖШШИР"), ("Savdo cheki/Sotuv", "Савдо чеки/Сотув"),
    ]
    static let russian: [(String, String)] = [
        ("Naqd pul", "Наличные"), ("Bank kartalari", "Банковские карты"), ("Jami to`lov:", "Итого:"),
        ("Umumiy QQS qiymati", "Общая сумма НДС"), ("QQS qiymati", "Сумма НДС"), ("QQS foizi", "Ставка НДС"),
        ("Chek raqami :", "Номер чека :"), ("Onlayn NKM nomi :", "Онлайн ККМ :"), ("Chegirma/Boshqa", "Скидка/Прочее"),
        ("Shtrix kodi", "Штрих-код"), ("MXIK kodi", "Код ИКПУ"), ("MXIK nomi", "Наименование ИКПУ"),
        ("O'lchov birligi", "Единица измерения"), ("Markirovka kodi", "Код маркировки"),
        ("Komitent STIR/JSHSHIR", "ИНН комитента"), ("Savdo cheki/Sotuv", "Кассовый чек/Продажа"),
    ]

    @Test("labels in Cyrillic Uzbek and in Russian give the same receipt", arguments: [0, 1])
    func otherScripts(_ which: Int) throws {
        let expected = try ReceiptPageParser.parse(html: try Fixture.realPage).receipt
        let page = try Self.edited(which == 0 ? Self.cyrillicUzbek : Self.russian)
        let parsed = try Self.parse(page)
        #expect(parsed.receipt == expected, "\(Fixture.difference(expected, parsed.receipt))")
        #expect(parsed.warnings.isEmpty, "\(parsed.warnings)")
    }

    @Test("amounts grouped by spaces or no-break spaces with decimal commas give the same receipt")
    func numberFormats() throws {
        let expected = try ReceiptPageParser.parse(html: try Fixture.realPage).receipt
        let page = try Self.edited([
            ("align=\"right\">167,010.00 </td>", "align=\"right\">167 010,00 </td>"),
            ("align=\"right\">167,010.00</td>", "align=\"right\">167&nbsp;010.00</td>"),
            ("<td class=\"price-sum\">56,990.00  </td>", "<td class=\"price-sum\">56\u{202F}990,00  </td>"),
            ("<td align=\"right\"> 17,893.92 </td>", "<td align=\"right\"> 17 893,92 </td>"),
            ("<td class=\"nds-sum\">6,106.07 </td>", "<td class=\"nds-sum\">6106,07 </td>"),
        ])
        let parsed = try Self.parse(page)
        #expect(parsed.receipt == expected, "\(Fixture.difference(expected, parsed.receipt))")
    }

    @Test("an amount that needs a guess fails naming the row and the text")
    func ambiguousAmount() throws {
        let error = try #require(Self.parseError(try Self.edited([
            ("align=\"right\">167,010.00</td>", "align=\"right\">167.010,00</td>"),
        ])))
        #expect(error.state == .receipt && error.field == "total")
        #expect(error.description.contains("167.010,00"))
    }

    static let firstQuantity = #"<td align="center">\s*1\s*</td>"#

    @Test("quantities keep their decimals; '1,268' is refused as ambiguous")
    func quantities() throws {
        let parsed = try Self.parse(try Self.regexEdited([(Self.firstQuantity, "<td align=\"center\"> 0,250 </td>")]))
        #expect(parsed.receipt.items[0].quantity.description == "0.250")
        #expect(parsed.receipt.items[1].quantity.description == "1")

        let error = try #require(Self.parseError(
            try Self.regexEdited([(Self.firstQuantity, "<td align=\"center\"> 1,268 </td>")])))
        #expect(error.field == "items[0].quantity" && error.description.contains("1,268"))
    }

    @Test("VAT rates '12%' and 'QQSsiz': the percentage read, 'no VAT' read as 0 with a warning")
    func rates() throws {
        let compact = try Self.parse(try Self.edited([("<td class=\"nds-sum\">12 % </td>", "<td class=\"nds-sum\">12%</td>")]))
        #expect(compact.receipt.items.allSatisfy { $0.vatRate == ExactDecimal(12) })

        var text = try Self.original
        let first = try #require(text.range(of: "<td class=\"nds-sum\">12 % </td>"))
        text.replaceSubrange(first, with: "<td class=\"nds-sum\">QQSsiz</td>")
        let parsed = try Self.parse(Array(text.utf8))
        #expect(parsed.receipt.items[0].vatRate == ExactDecimal(0))
        #expect(parsed.warnings.contains(.noVATRate(itemIndex: 0, text: "QQSsiz")))

        let bad = try #require(Self.parseError(try Self.edited([("<td class=\"nds-sum\">12 % </td>", "<td class=\"nds-sum\">twelve</td>")])))
        #expect(bad.field == "items[0].vatRate" && bad.description.contains("twelve"))
    }

    @Test("terminal, time and seller found by their labels where the page labels them")
    func labelledHeader() throws {
        let page = try Self.edited([
            ("<b>LG420230644664</b>", "<span class=\"left\">Terminal ID : <b>LG000000000042</b></span>"),
            ("<i>07.04.2026, 10:57</i>", "<span class=\"left\">Sana : 08.04.2026, 11:05</span>"),
            ("<i>202099756</i>", ""),
            ("<span class=\"left\">Chek raqami", "<span class=\"left\">STIR : 305999111</span><span class=\"left\">Chek raqami"),
        ])
        let parsed = try Self.parse(page)
        #expect(parsed.receipt.terminalID == "LG000000000042")
        #expect(Tashkent.iso8601(parsed.receipt.issuedAt) == "2026-04-08T11:05:00+05:00")
        #expect(parsed.receipt.seller.tin == "305999111")
        #expect(parsed.receipt.seller.name.hasPrefix("\"ANGLESEY FOOD\""))
    }

    @Test("a labelled time that is not a time fails naming the row")
    func badLabelledTime() throws {
        let error = try #require(Self.parseError(try Self.edited([
            ("<i>07.04.2026, 10:57</i>", "<span class=\"left\">Дата : 31.02.2026, 10:57</span>"),
        ])))
        #expect(error.field == "issuedAt" && error.description.contains("31.02.2026"))
    }
}
