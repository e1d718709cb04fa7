import FiscalCore
import Testing

@testable import ReceiptParser

@Suite("Money, quantity and VAT-rate grammars")
struct GrammarTests {
    @Test("page amounts", arguments: [
        ("56,990.00", "56990.00"), ("167 010,00", "167010.00"), ("167\u{A0}010.00", "167010.00"),
        ("1\u{202F}234\u{202F}567,5", "1234567.50"), ("1,000", "1000.00"), ("1,5", "1.50"), ("0,05", "0.05"),
        (" 0.00 ", "0.00"), ("12", "12.00"), ("-9,980.00", "-9980.00"), ("1 000", "1000.00"),
        ("2,211,900", "2211900.00"), ("312,456,789.12", "312456789.12"),
    ])
    func amounts(_ text: String, _ expected: String) throws {
        #expect(try Money(reading: text, style: .pageAmount, currency: .uzs).decimalString == expected)
    }

    @Test("page amounts that cannot be read without a guess are errors naming the text", arguments: [
        ("167.010,00", "separator after the decimal point"), ("1,234.567", "more than 2 decimals"),
        ("1 234,567", "more than 2 decimals"), ("1,234 567.00", "mixed thousands separators"), ("12,34,567", "misplaced thousands separator"),
        ("1.000.000", "more than one decimal point"), ("1,000,5", "misplaced thousands separator"), ("", "empty"),
        ("12 so'm", "unexpected character"), ("1,0000", "more than 2 decimals"), (",5", "no digits before the decimal point"),
    ])
    func badAmounts(_ text: String, _ reason: String) {
        do {
            let value = try Money(reading: text, style: .pageAmount, currency: .uzs)
            Issue.record("\(text) read as \(value)")
        } catch {
            #expect(error.text == text)
            #expect(error.reason == reason, "\(text)")
        }
    }

    @Test("quantities keep their decimals", arguments: [
        ("1", "1"), ("0.250", "0.250"), ("1,5", "1.5"), ("0,250", "0.250"), ("1.268", "1.268"), ("2", "2"),
        ("1 000", "1000"), ("1 000,5", "1000.5"), ("1,268.5", "1268.5"), ("12,000,000", "12000000"),
    ])
    func quantities(_ text: String, _ expected: String) throws {
        #expect(try ExactDecimal(reading: text, style: .pageQuantity).description == expected)
    }

    @Test("a quantity '1,268' is ambiguous (1268 or 1.268) and refused")
    func ambiguousQuantity() {
        #expect(throws: MoneyParseError(text: "1,268", reason: "ambiguous: ',' may group thousands or mark decimals")) {
            try ExactDecimal(reading: "1,268", style: .pageQuantity)
        }
        // The same text as an amount is unambiguous: money never has three decimals.
        #expect((try? Money(reading: "1,268", style: .pageAmount, currency: .uzs))?.decimalString == "1268.00")
    }

    @Test("VAT rates", arguments: [
        ("12", ReceiptAssembly.Rate.percent(ExactDecimal(12))), ("12%", .percent(ExactDecimal(12))),
        ("12 %", .percent(ExactDecimal(12))), (" 15\u{A0}% ", .percent(ExactDecimal(15))),
        ("12,5 %", .percent(ExactDecimal(significand: 125, scale: 1))), ("0 %", .percent(ExactDecimal(0))),
        ("QQSsiz", .noVAT), ("QQS siz", .noVAT), ("Без НДС", .noVAT), ("ҚҚСсиз", .noVAT), ("", .none), ("  ", .none),
    ])
    func rates(_ text: String, _ expected: ReceiptAssembly.Rate) throws {
        #expect(try ReceiptAssembly.rate(text, field: "items[0].vatRate") == expected)
    }

    @Test("a VAT-rate cell that is no rate is an error naming the field and the text", arguments: ["abc %", "112 %", "-12%", "12%%"])
    func badRates(_ text: String) {
        do {
            let rate = try ReceiptAssembly.rate(text, field: "items[0].vatRate")
            Issue.record("\(text) read as \(rate)")
        } catch {
            #expect(error.field == "items[0].vatRate")
            #expect(error.description.contains(text))
        }
    }

    @Test("the canonical grammar (configuration, command line) is unchanged: comma thousands, dot decimals only")
    func canonical() throws {
        #expect(try Money(parsing: "56,990.00", currency: .uzs).minorUnits == 5_699_000)
        #expect(throws: MoneyParseError.self) { try Money(parsing: "1 000", currency: .uzs) }
        #expect(throws: MoneyParseError.self) { try Money(parsing: "1,5", currency: .uzs) }
        #expect(try ExactDecimal(parsing: "1.250").description == "1.250")
    }
}
