@testable import FiscalCore
import Testing

@Suite("Money parsing and formatting")
struct MoneyTests {
    @Test("decimal strings become exact minor units", arguments: [
        ("1000.22", Int64(100_022)),
        ("56,990.00", 5_699_000),
        (" 0.00 ", 0),
        ("167,010.00 ", 16_701_000),
        ("853,374.00", 85_337_400),
        ("150000", 15_000_000),
        ("1500.5", 150_050),
        ("-15.05", -1505),
        ("+7", 700),
        ("1,234,567.89", 123_456_789),
        ("0.01", 1),
        ("\u{00A0}12.30\u{00A0}", 1230),
        ("92233720368547758.07", Int64.max),
    ])
    func parses(text: String, minor: Int64) throws {
        #expect(try Money(parsing: text, currency: .uzs).minorUnits == minor)
    }

    @Test("malformed amounts are rejected with a reason", arguments: [
        "", "  ", "abc", "1.234", "12,34.00", "1,2345.00", ",100.00", "100,", "1.", ".5", "1e5", "1 000.00",
        "--1", "12.3.4", "0x10", "92233720368547758.08", "١٢٣", "1,000,00.00",
    ])
    func rejects(text: String) {
        #expect(throws: MoneyParseError.self) { try Money(parsing: text, currency: .uzs) }
    }

    @Test("formats with exactly two decimals, with and without grouping", arguments: [
        (Int64(85_337_400), "853374.00", "853,374.00"),
        (0, "0.00", "0.00"),
        (5, "0.05", "0.05"),
        (-150_050, "-1500.50", "-1,500.50"),
        (100_000_000, "1000000.00", "1,000,000.00"),
        (Int64.min, "-92233720368547758.08", "-92,233,720,368,547,758.08"),
    ])
    func formats(minor: Int64, plain: String, grouped: String) {
        let money = Money(minorUnits: minor, currency: .uzs)
        #expect(money.decimalString == plain)
        #expect(money.groupedDecimalString == grouped)
    }

    @Test("parse and format round-trip for many values")
    func roundTrip() throws {
        var value: Int64 = 1
        for _ in 0..<60 {
            for sign: Int64 in [1, -1] {
                let money = Money(minorUnits: value * sign, currency: .usd)
                #expect(try Money(parsing: money.decimalString, currency: .usd) == money)
                #expect(try Money(parsing: money.groupedDecimalString, currency: .usd) == money)
            }
            value = value &* 3 &+ 7
            if value < 0 { value = 1 }
        }
    }

    @Test("arithmetic stays in one currency")
    func arithmetic() {
        let a = Money(minorUnits: 1000, currency: .uzs)
        let b = Money(minorUnits: 1, currency: .uzs)
        #expect((a - b).minorUnits == 999)
        #expect((a + b).minorUnits == 1001)
        #expect((-a).minorUnits == -1000)
        #expect((-a).isNegative)
        #expect(Money.zero(.eur).decimalString == "0.00")
    }
}

@Suite("Exact decimals for quantities and rates")
struct ExactDecimalTests {
    @Test func keepsScale() throws {
        #expect(try ExactDecimal(parsing: "1.268").description == "1.268")
        #expect(try ExactDecimal(parsing: "2").description == "2")
        #expect(try ExactDecimal(parsing: "12").description == "12")
        #expect(try ExactDecimal(parsing: "0.500").description == "0.500")
        #expect(try ExactDecimal(parsing: "-0.005").description == "-0.005")
        #expect(try ExactDecimal(parsing: "0.000").description == "0.000")
        #expect(try ExactDecimal(parsing: "-12").description == "-12")
        #expect(try ExactDecimal(parsing: "0.123456789").description == "0.123456789")
        #expect(try ExactDecimal(parsing: "1,000.5").significand == 10005)
    }

    @Test func equalityIgnoresTrailingZeros() throws {
        let a = try ExactDecimal(parsing: "1.50")
        let b = try ExactDecimal(parsing: "1.5")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(try ExactDecimal(parsing: "1.49") < b)
    }

    @Test func rescalesWithHalfAwayFromZero() throws {
        #expect(try ExactDecimal(parsing: "1.268").scaled(to: 2) == 127)
        #expect(try ExactDecimal(parsing: "1.264").scaled(to: 2) == 126)
        #expect(try ExactDecimal(parsing: "-1.265").scaled(to: 2) == -127)
        #expect(try ExactDecimal(parsing: "3").scaled(to: 3) == 3000)
    }

    @Test func rejectsGarbage() {
        #expect(throws: MoneyParseError.self) { try ExactDecimal(parsing: "1.2.3") }
        #expect(throws: MoneyParseError.self) { try ExactDecimal(parsing: "0.1234567891") }
    }
}

@Suite("Currencies in PaySys's three spellings")
struct CurrencyTests {
    @Test("alpha in any case, numeric, TRL", arguments: [
        ("UZS", Currency.uzs), ("uzs", .uzs), ("Uzs", .uzs), ("860", .uzs), (" 860 ", .uzs),
        ("840", .usd), ("usd", .usd), ("978", .eur), ("EUR", .eur), ("643", .rub), ("rub", .rub),
        ("949", .try), ("TRY", .try), ("TRL", .try), ("trl", .try),
    ])
    func parses(code: String, currency: Currency) {
        #expect(Currency(code: code) == currency)
    }

    @Test("unknown codes are nil", arguments: ["", "XXX", "000", "86O", "GBP", "826", "U Z S"])
    func unknown(code: String) {
        #expect(Currency(code: code) == nil)
    }

    @Test func numericCodesRoundTrip() {
        for currency in Currency.allCases {
            #expect(Currency(numericCode: currency.numericCode) == currency)
            #expect(Currency(code: currency.alphaCode.lowercased()) == currency)
        }
    }
}

@Suite("The decimal grammar's plain-shape reader")
struct PlainDecimalTests {
    /// Texts of digits, signs, separators and a space, every one read both ways: with the one-pass reader of plain
    /// shapes first (what every caller gets) and by the general reader alone. Readings and errors must be equal.
    @Test("reads every text exactly as the general reader does")
    func agreesWithGeneralReader() {
        let alphabet = Array("0123456789,,..-+ 0".utf8)
        var random = SplitMix64(seed: 20_261_201)
        var texts = ["56,990.00", "-9,980.00", "312,456,789.12", "1,268", "1,268.5", "007.50", "0.00", "-0", "+7",
                     ",5", "5.", "1,23.00", "1234,567.00", "1.2.3", "12,34,567", "1,000,000", "--5", "", "-", ".5"]
        for _ in 0..<20_000 {
            let length = Int(random.below(12))
            texts.append(String(decoding: (0..<length).map { _ in alphabet[Int(random.below(Int64(alphabet.count)))] }, as: UTF8.self))
        }
        for text in texts {
            for style in [DecimalGrammar.Style.canonical, .pageAmount, .pageQuantity] {
                let fast = Result { () throws(MoneyParseError) in try DecimalGrammar.readGrouped(text, style: style) }
                let general = Result { () throws(MoneyParseError) in
                    try DecimalGrammar.readGrouped(text, style: style, plainFirst: false)
                }
                #expect(fast == general, "\(text) as \(style)")
            }
        }
    }
}
