import FiscalCore
import Sandbox
import Testing

@testable import ReceiptParser

@Suite("Consistency warnings")
struct ConsistencyTests {
    /// A consistent two-item receipt: 56,990.00 (VAT 6,106.07) + 12,990.00 (VAT 1,391.79).
    static var base: FiscalReceipt {
        RoundTripTests.receipt(
            seller: .init(name: "S", tin: "202099756", address: "A"),
            items: [
                RoundTripTests.item("Kofe", line: "56,990.00", vat: "6,106.07"),
                RoundTripTests.item("Avokado", line: "12,990.00", vat: "1,391.79"),
            ],
            card: "69,980.00", total: "69,980.00", vatTotal: "7,497.86")
    }

    @Test("a consistent receipt has no warnings")
    func consistent() {
        #expect(ConsistencyCheck.warnings(for: Self.base).isEmpty)
    }

    @Test("cash + card differing from the total")
    func payments() throws {
        var receipt = Self.base
        receipt.payment.cash = Fixture.money("1.00")
        let warning = try #require(ConsistencyCheck.warnings(for: receipt).first)
        #expect(warning == ConsistencyWarning(
            kind: .paymentsVersusTotal, expected: Fixture.money("69,980.00"), actual: Fixture.money("69,981.00"),
            tolerance: Fixture.money("0")))
        #expect(warning.description.contains("69981.00") && warning.description.contains("69980.00"))
    }

    @Test("sum of item VAT differing from the VAT total beyond one tiyin per item")
    func vatSum() {
        var receipt = Self.base
        receipt.vatTotal = Fixture.money("7,497.88")  // 2 tiyin off with 2 items: tolerated
        #expect(ConsistencyCheck.warnings(for: receipt).isEmpty)
        receipt.vatTotal = Fixture.money("7,497.89")
        #expect(ConsistencyCheck.warnings(for: receipt) == [ConsistencyWarning(
            kind: .itemVATSumVersusVATTotal, expected: Fixture.money("7,497.86"), actual: Fixture.money("7,497.89"),
            tolerance: Fixture.money("0.02"))])
    }

    @Test("an item's VAT: half-up and truncated both pass, anything else is reported with the numbers")
    func itemVAT() {
        var receipt = Self.base
        receipt.items[1].vatAmount = Fixture.money("1,391.78")  // truncated 1,391.785 → accepted
        receipt.vatTotal = Fixture.money("7,497.85")
        #expect(ConsistencyCheck.warnings(for: receipt).isEmpty)
        receipt.items[1].vatAmount = Fixture.money("1,391.77")
        receipt.vatTotal = Fixture.money("7,497.84")
        #expect(ConsistencyCheck.warnings(for: receipt) == [ConsistencyWarning(
            kind: .itemVAT, itemIndex: 1, expected: Fixture.money("1,391.79"), actual: Fixture.money("1,391.77"),
            tolerance: Fixture.money("0.01"))])
    }

    @Test("an item's VAT is computed on the line total less its discount")
    func itemVATWithDiscount() {
        var receipt = Self.base
        receipt.items[0] = RoundTripTests.item("Kofe", line: "66,990.00", discount: "10000", vat: "6,106.07")
        #expect(ConsistencyCheck.warnings(for: receipt).isEmpty)
        receipt.items[0].discount = .zero(.uzs)
        let kinds = ConsistencyCheck.warnings(for: receipt).map(\.kind)
        #expect(kinds == [.itemVAT, .linesVersusTotal])
    }

    @Test("lines less discounts differing from the total beyond one so'm")
    func lines() {
        var receipt = Self.base
        receipt.total = Fixture.money("69,981.00")  // exactly 1 so'm: tolerated
        receipt.payment.card = receipt.total
        #expect(ConsistencyCheck.warnings(for: receipt).isEmpty)
        receipt.total = Fixture.money("69,981.01")
        receipt.payment.card = receipt.total
        #expect(ConsistencyCheck.warnings(for: receipt) == [ConsistencyWarning(
            kind: .linesVersusTotal, expected: Fixture.money("69,980.00"), actual: Fixture.money("69,981.01"),
            tolerance: Fixture.money("1.00"))])
    }

    @Test("the parser reports warnings of an inconsistent page")
    func fromPage() throws {
        var receipt = Self.base
        receipt.payment.card = Fixture.money("60,000.00")
        let parsed = try ReceiptPageParser.parse(html: Array(SandboxReceipts.legacyPage(receipt).utf8))
        #expect(parsed.warnings.compactMap(\.consistency).map(\.kind) == [.paymentsVersusTotal])
        #expect(parsed.warnings.first?.consistency?.difference == Fixture.money("-9,980.00"))
        let fromJSON = try ReceiptJSONParser.parse(json: SandboxReceipts.apiPayload(receipt))
        // The JSON total is cash + card, so there the lines disagree with the total instead.
        #expect(fromJSON.warnings.compactMap(\.consistency).map(\.kind) == [.linesVersusTotal])
    }
}
