import Foundation
import FiscalCore
import Sandbox
import Testing

@testable import ReceiptParser

@Suite("Sandbox rendering and parsing agree")
struct RoundTripTests {
    @Test("generated receipts sum exactly, carry the real VAT and round-trip through the page and the JSON", arguments: 0..<120)
    func generated(seed: UInt64) throws {
        let spec = Fixture.spec(seed: seed)
        let receipt = SandboxReceipts.receipt(for: spec)
        let lines = receipt.items.reduce(Int64(0)) { $0 + $1.lineTotal.minorUnits - $1.discount.minorUnits }
        #expect(lines == spec.total.minorUnits)
        #expect(receipt.total == spec.total)
        #expect(receipt.items.allSatisfy { $0.lineTotal.minorUnits > 0 && $0.quantity.isInteger })
        #expect(ConsistencyCheck.warnings(for: receipt).isEmpty)
        #expect(receipt == SandboxReceipts.receipt(for: spec), "deterministic")

        let page = Array(SandboxReceipts.legacyPage(receipt).utf8)
        #expect(ReceiptPageParser.classify(html: page) == .receipt)
        let fromPage = try ReceiptPageParser.parse(html: page, reference: Fixture.reference(for: spec))
        #expect(fromPage.receipt == receipt, "\(Fixture.difference(receipt, fromPage.receipt))")
        #expect(fromPage.warnings.isEmpty)

        let payload = SandboxReceipts.apiPayload(receipt)
        #expect(ReceiptJSONParser.classify(json: payload) == .receipt)
        let fromJSON = try ReceiptJSONParser.parse(json: payload)
        let expected = Fixture.withSource(receipt, .json)
        #expect(fromJSON.receipt == expected, "\(Fixture.difference(expected, fromJSON.receipt))")
        #expect(fromJSON.warnings.isEmpty)
    }

    @Test("generation covers discounts, marking codes, several items and the service fee")
    func coverage() {
        let receipts = (0..<200).map { SandboxReceipts.receipt(for: Fixture.spec(seed: UInt64($0))) }
        #expect(receipts.contains { $0.items.contains { $0.discount.minorUnits > 0 } })
        #expect(receipts.contains { $0.items.contains { $0.markingCode != nil } })
        #expect(receipts.contains { $0.items.count >= 3 })
        #expect(receipts.contains { $0.kind == .refund })
        #expect(receipts.contains { $0.items.contains { !$0.quantity.isInteger || $0.quantity.significand > 1 } })
        for receipt in receipts where receipt.total.minorUnits >= 10_000 {
            let fee = receipt.items.last
            #expect(fee?.vatRate == ExactDecimal(0) && fee?.commissionerTIN == nil)
            #expect(receipt.commissionerTINs == ["310995649"])
        }
    }

    // MARK: - Crafted receipts

    static func item(
        _ name: String, quantity: String = "1", line: String, discount: String = "0", other: String = "0",
        rate: String? = "12", vat: String, barcode: String? = nil, mxik: String? = "00901001001000000",
        mxikName: String? = "Kofe", unit: String? = "dona", marking: String? = nil, commissioner: String? = nil
    ) -> ReceiptItem {
        ReceiptItem(
            name: name, quantity: try! ExactDecimal(parsing: quantity), lineTotal: Fixture.money(line),
            discount: Fixture.money(discount), other: Fixture.money(other), vatRate: rate.map { try! ExactDecimal(parsing: $0) },
            vatAmount: Fixture.money(vat), barcode: barcode, mxikCode: mxik, mxikName: mxikName, unit: unit,
            markingCode: marking, commissionerTIN: commissioner)
    }

    static func receipt(
        kind: FiscalReceipt.Kind = .sale, terminal: String = "EP000000000510", seller: FiscalReceipt.Seller,
        marketplace: String? = "MULTICARD", register: FiscalReceipt.CashRegister? = nil, items: [ReceiptItem],
        cash: String = "0", card: String, cardType: String? = "Shaxsiy", rrn: String? = nil, total: String,
        vatTotal: String, fiscalSign: String? = "259200054220"
    ) -> FiscalReceipt {
        FiscalReceipt(
            kind: kind, source: .html, terminalID: terminal, receiptNumber: "104636849", fiscalSign: fiscalSign,
            issuedAt: Tashkent.LocalDateTime(year: 2026, month: 3, day: 29, hour: 18, minute: 58).date,
            seller: seller, marketplace: marketplace, cashRegister: register, items: items,
            payment: FiscalReceipt.Payment(cash: Fixture.money(cash), card: Fixture.money(card), cardType: cardType, rrn: rrn),
            total: Fixture.money(total), vatTotal: Fixture.money(vatTotal))
    }

    static let crafted: [(String, FiscalReceipt)] = [
        ("refund with discount, other, marking codes and RRN", receipt(
            kind: .refund,
            seller: .init(name: "\"MULTICARD PAYMENT\" MCHJ", tin: "307578794", address: "Toshkent sh., Shayxontohur t., Navoiy ko`chasi, 30"),
            items: [
                item("Smartfon Samsung Galaxy A15", line: "2,199,000", discount: "9000", other: "500", vat: "234,642.85",
                     barcode: "8806095306519", marking: "0108806095306519215>!a&b'c\"d, 0108806095306519215Xyz<z", commissioner: "310995649"),
                item("Xizmat haqi", line: "21,900", rate: "0", vat: "0", commissioner: nil),
            ],
            card: "2,211,900", cardType: "Korporativ", rrn: "3634705759", total: "2,211,900", vatTotal: "234,642.85")),
        ("/check layout with cash register, serial and no fiscal sign row", receipt(
            terminal: "LG420230644664",
            seller: .init(name: "Yakka tartibdagi tadbirkor Ғуломов Шуҳрат", tin: "31204875610047", address: "Самарқанд ш., Ўзбекистон кўчаси, 12-уй"),
            marketplace: nil, register: .init(name: "POS2k", serial: "AFK-20250725-000664"),
            items: [item("Хлеб «Бородинский» нарезной 400 г", line: "9,990", vat: "1,070.36", unit: "дона (пакет)")],
            cash: "9,990", card: "0", cardType: nil, total: "9,990", vatTotal: "1,070.36", fiscalSign: nil)),
        ("empty serial, empty optional rows and no VAT rate", receipt(
            terminal: "VG000000012345",
            seller: .init(name: "OOO \"Korzinka\"", tin: "207071451", address: ""),
            marketplace: nil, register: .init(name: "Kassa 3", serial: nil),
            items: [item("Non", line: "4,000", rate: nil, vat: "0", mxik: nil, mxikName: nil, unit: nil)],
            cash: "4,000", card: "0", cardType: nil, total: "4,000", vatTotal: "0", fiscalSign: nil)),
        ("the four apostrophes, entities and hostile markup as text", receipt(
            seller: .init(name: "Evil </td></tr><tr><td>Jami to`lov:</td><td>1.00</td></tr> & Co", tin: "307578794",
                          address: "G‘ijduvon ko`chasi, O'zbekiston, Oʻrta, Qo’qon &amp; <b>bold</b>"),
            marketplace: "UZUM & <Market>",
            items: [
                item("<script>alert(1)</script>", line: "11,200", vat: "1,200", barcode: "&lt;not-a-tag&gt;",
                     mxikName: "Choy \"Ahmad\" & 'Lipton'", unit: "o‘ram ʻ ’ ` '", marking: "<!-- comment -->", commissioner: "310995649"),
                item("Fiskal belgi", line: "1,000", rate: "0", vat: "0", commissioner: "310995649"),
            ],
            card: "12,200", cardType: "Ijtimoiy", total: "12,200", vatTotal: "1,200")),
        ("large amounts, fractional quantity and advance", receipt(
            kind: .advance,
            seller: .init(name: "\"UZ AUTO MOTORS\" AJ", tin: "200941518", address: "Andijon viloyati, Asaka shahri"),
            items: [
                item("Chevrolet Tracker 2 LTZ", line: "312,456,789.12", vat: "33,477,513.12", commissioner: "200941518"),
                item("Olma 'Golden'", quantity: "1.268", line: "25,360", vat: "2,717.14", unit: "kilogramm"),
            ],
            cash: "100,000,000", card: "212,482,149.12", total: "312,482,149.12", vatTotal: "33,480,230.26")),
    ]

    @Test("crafted receipts round-trip through the page and the JSON", arguments: 0..<crafted.count)
    func craftedRoundTrip(index: Int) throws {
        let (label, receipt) = Self.crafted[index]
        let page = Array(SandboxReceipts.legacyPage(receipt).utf8)
        let pageKind: ReceiptReference.PageKind = receipt.kind == .advance ? .advance : (receipt.cashRegister == nil ? .epi : .check)
        let link = ReceiptReference(
            pageKind: pageKind, terminalID: receipt.terminalID, receiptNumber: receipt.receiptNumber,
            dateTimeCode: ReceiptReference.dateTimeCode(Tashkent.local(receipt.issuedAt)), fiscalSign: "000000000001")
        let fromPage = try ReceiptPageParser.parse(html: page, reference: receipt.fiscalSign == nil ? nil : link)
        #expect(fromPage.receipt == receipt, "\(label): \(Fixture.difference(receipt, fromPage.receipt))")
        #expect(fromPage.warnings.isEmpty, "\(label): \(fromPage.warnings)")

        let fromJSON = try ReceiptJSONParser.parse(json: SandboxReceipts.apiPayload(receipt))
        let expected = Fixture.withSource(receipt, .json)
        #expect(fromJSON.receipt == expected, "\(label): \(Fixture.difference(expected, fromJSON.receipt))")
    }

    @Test("hostile markup stays text: the script is an item name, not an element, and the structure holds")
    func hostileMarkup() throws {
        let receipt = Self.crafted[3].1
        let html = SandboxReceipts.legacyPage(receipt)
        #expect(!html.contains("<script>alert(1)</script>"))
        let document = try #require(HTMLDocument(parsing: Array(html.utf8)))
        #expect(document.number("count(//script[contains(., 'alert(1)')])") == 0)
        #expect(document.number("count(//table[@class='products-tables']/tbody/tr[@class='products-row'])") == 2)
        let parsed = try ReceiptPageParser.parse(html: Array(html.utf8))
        #expect(parsed.receipt.items[0].name == "<script>alert(1)</script>")
        #expect(parsed.receipt.seller.name.hasPrefix("Evil </td></tr>"))
        #expect(parsed.receipt.total == Fixture.money("12,200"))
        #expect(parsed.receipt.fiscalSign == "259200054220")
    }

    @Test("the JSON format line of a page and of its JSON payload differ only in the source")
    func formatLines() throws {
        let receipt = Self.crafted[0].1
        let fromPage = try ReceiptPageParser.parse(html: Array(SandboxReceipts.legacyPage(receipt).utf8))
        let fromJSON = try ReceiptJSONParser.parse(json: SandboxReceipts.apiPayload(receipt))
        let pageLine = ReceiptJSONFormat.line(file: "a", state: .receipt, parsed: fromPage)
        let jsonLine = ReceiptJSONFormat.line(file: "a", state: .receipt, parsed: fromJSON)
        #expect(pageLine.replacingOccurrences(of: "\"source\":\"html\"", with: "\"source\":\"json\"") == jsonLine)
    }
}
