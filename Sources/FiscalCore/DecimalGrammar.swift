/// The one decimal grammar of the project: every decimal text (a configured amount, a receipt page's money,
/// quantity or VAT rate, a JSON number) is read here, digit by digit, never through `Double`.
///
/// A text is first split into a sign, digits and a count of decimals by one of the ``Style``s; the caller then
/// scales it (``Reading/scaled(to:)``) and decides how many decimals it accepts.
public enum DecimalGrammar {
    /// How a text writes its number.
    public enum Style: Sendable, Hashable {
        /// `1000.22`, `56,990.00`, `-15`: comma thousands (groups of three), a dot decimal point. What the project
        /// itself writes and what configuration and command-line amounts use.
        case canonical
        /// A receipt page's amount: thousands grouped by `,`, a space or a no-break space (U+00A0, U+202F,
        /// U+2009, U+2007), decimals after `.`, or after `,` when that cannot be a thousands separator. Money has
        /// at most two decimals, so a lone `,` followed by exactly three digits groups thousands (`1,000`).
        case pageAmount
        /// A receipt page's quantity (`0.250`, `1,5`, `2`, `1 000`): as ``pageAmount`` but decimals are kept, so a
        /// lone `,` followed by exactly three digits after a non-zero integer part (`1,268`) is ambiguous and
        /// rejected. A lone `.` is always the decimal point (the viewer's own format, `1.268`).
        case pageQuantity
        /// A JSON number's text (`56990.00`, `1.0E7`, `-0.5`): a dot decimal point and an optional exponent.
        case json
    }

    /// A number read from text: `digits × 10^exponent` with its sign.
    public struct Reading: Sendable, Hashable {
        public var negative: Bool
        /// Decimal digits, most significant first, without leading zeros (but at least one digit).
        public var digits: [UInt8]
        /// The power of ten of the last digit: `-2` for `12.34`.
        public var exponent: Int

        /// How many decimals the text wrote (0 for a whole number or a positive exponent).
        public var decimals: Int { max(0, -exponent) }

        /// The value as an integer scaled by `10^scale`; `nil` when digits would be dropped (`exact`) or on
        /// overflow. When not exact, dropped digits round half away from zero.
        public func scaled(to scale: Int, exact: Bool = true) -> Int64? {
            var digits = self.digits
            let shift = exponent + scale
            var roundUp = false
            if shift >= 0 {
                guard shift <= 40 else { return nil }
                digits += Array(repeating: 0, count: shift)
            } else {
                let drop = -shift
                if exact, digits.suffix(drop).contains(where: { $0 != 0 }) || (drop > digits.count && digits != [0]) {
                    return nil
                }
                if drop > digits.count {
                    digits = [0]
                } else {
                    roundUp = digits[digits.count - drop] >= 5
                    digits.removeLast(drop)
                }
            }
            var value: Int64 = 0
            for digit in digits {
                let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
                let (added, overflowB) = shifted.addingReportingOverflow(Int64(digit))
                guard !overflowA, !overflowB else { return nil }
                value = added
            }
            if roundUp {
                let (added, overflow) = value.addingReportingOverflow(1)
                guard !overflow else { return nil }
                value = added
            }
            return negative ? -value : value
        }
    }

    /// Splits `text` by `style`; throws naming the text and what is wrong (`"ambiguous: ',' may group thousands
    /// or mark decimals"`, `"misplaced thousands separator"`, …).
    public static func read(_ text: String, style: Style) throws(MoneyParseError) -> Reading {
        switch style {
        case .json: return try readJSON(text)
        case .canonical, .pageAmount, .pageQuantity: return try readGrouped(text, style: style)
        }
    }

    /// The shape nearly every amount and quantity has, read in one pass over the bytes: an optional sign, an
    /// integer part that is either plain digits or comma-grouped (1–3 digits, then groups of exactly three), and
    /// a decimal point with digits after it — required when there are commas, so the ambiguous `1,268` is left to
    /// ``readGrouped(_:style:)``. Nothing around it, no spaces. Every style reads these texts alike, and
    /// ``readGrouped(_:style:)`` would give the same reading; anything else (including every error) returns `nil`
    /// and goes the general way.
    private static func readPlain(_ text: String) -> Reading? {
        var text = text
        return text.withUTF8 { bytes -> Reading? in
            var index = 0
            var negative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var digits: [UInt8] = []
            digits.reserveCapacity(bytes.count)
            var group = 0  // digits since the start or the last comma
            var commas = 0
            while index < bytes.count, bytes[index] != UInt8(ascii: ".") {
                let byte = bytes[index]
                if byte >= 48 && byte <= 57 {
                    digits.append(byte - 48)
                    group += 1
                } else if byte == UInt8(ascii: ","), commas == 0 ? (1...3).contains(group) : group == 3 {
                    commas += 1
                    group = 0
                } else {
                    return nil
                }
                index += 1
            }
            guard !digits.isEmpty, commas == 0 || group == 3 else { return nil }
            var decimals = 0
            if index < bytes.count {  // at the decimal point
                index += 1
                while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                    digits.append(bytes[index] - 48)
                    decimals += 1
                    index += 1
                }
                guard decimals > 0, index == bytes.count else { return nil }
            } else if commas > 0 {
                return nil
            }
            let leadingZeros = digits.prefix(digits.count - 1).prefix(while: { $0 == 0 }).count
            return Reading(negative: negative, digits: Array(digits.dropFirst(leadingZeros)), exponent: -decimals)
        }
    }

    /// Whitespace a page may put around or inside a number: ASCII blanks and the Unicode spaces of HTML.
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F,
            0x3000, 0xFEFF:
            true
        default: false
        }
    }

    /// Spaces that may group thousands inside a page's number.
    private static func isGroupingSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0xA0, 0x202F, 0x2009, 0x2007: true
        default: false
        }
    }

    private static func trimmed(_ text: String) -> Substring.UnicodeScalarView {
        let scalars = Substring(text).unicodeScalars
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
            let end = scalars.lastIndex(where: { !isSpace($0) })
        else { return Substring("").unicodeScalars }
        return scalars[start...end]
    }

    /// The grouped styles' reader; `plainFirst: false` skips ``readPlain(_:)`` (the tests compare the two ways).
    static func readGrouped(_ text: String, style: Style, plainFirst: Bool = true) throws(MoneyParseError) -> Reading {
        if plainFirst, let reading = readPlain(text) { return reading }
        func fail(_ reason: String) -> MoneyParseError { MoneyParseError(text: text, reason: reason) }
        var scalars = style == .canonical
            ? Substring(text.trimmingASCIIWhitespace()).unicodeScalars : trimmed(text)
        guard let first = scalars.first else { throw fail("empty") }
        var negative = false
        if first == "-" || first == "+" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        // Tokens: runs of digits and the separators between them.
        enum Separator: Equatable { case comma, dot, space }
        var runs: [[UInt8]] = [[]]
        var separators: [Separator] = []
        for scalar in scalars {
            if scalar.value >= 48 && scalar.value <= 57 {
                runs[runs.count - 1].append(UInt8(scalar.value - 48))
                continue
            }
            let separator: Separator
            if scalar == "," {
                separator = .comma
            } else if scalar == "." {
                separator = .dot
            } else if style != .canonical, isGroupingSpace(scalar) {
                separator = .space
            } else {
                throw fail("unexpected character")
            }
            separators.append(separator)
            runs.append([])
        }
        if runs.allSatisfy(\.isEmpty) { throw fail("no digits") }

        // Which separator, if any, is the decimal point.
        var decimalAt: Int?
        let dots = separators.indices.filter { separators[$0] == .dot }
        let commas = separators.indices.filter { separators[$0] == .comma }
        let spaces = separators.indices.filter { separators[$0] == .space }
        if dots.count > 1 { throw fail("more than one decimal point") }
        if let dot = dots.first {
            if dot != separators.count - 1 { throw fail("separator after the decimal point") }
            decimalAt = dot
        } else if commas.count == 1, style != .canonical, commas[0] == separators.count - 1 {
            let after = runs[commas[0] + 1].count
            let before = runs[commas[0]]
            let leadingZero = before.first == 0 && spaces.isEmpty && separators.count == 1
            if !spaces.isEmpty || after != 3 || leadingZero {
                decimalAt = commas[0]
            } else if style == .pageQuantity {
                throw fail("ambiguous: ',' may group thousands or mark decimals")
            }
        }
        let grouping = separators.indices.filter { $0 != decimalAt }
        let groupKinds = Set(grouping.map { separators[$0] })
        if groupKinds.count > 1 { throw fail("mixed thousands separators") }
        if decimalAt != nil, let kind = groupKinds.first, kind == separators[decimalAt!] {
            throw fail("the same separator groups thousands and marks decimals")
        }
        let integerRuns = decimalAt.map { Array(runs[...$0]) } ?? runs
        let fraction = decimalAt.map { runs[$0 + 1] } ?? []
        if decimalAt != nil, fraction.isEmpty { throw fail("no digits after the decimal point") }
        if integerRuns.count > 1 {
            for (index, run) in integerRuns.enumerated() {
                let valid = index == 0 ? (1...3).contains(run.count) : run.count == 3
                guard valid else { throw fail("misplaced thousands separator") }
            }
        }
        let integer = integerRuns.flatMap { $0 }
        if integer.isEmpty { throw fail("no digits before the decimal point") }
        var digits = integer + fraction
        while digits.count > 1, digits.first == 0 { digits.removeFirst() }
        return Reading(negative: negative, digits: digits, exponent: -fraction.count)
    }

    private static func readJSON(_ text: String) throws(MoneyParseError) -> Reading {
        func fail(_ reason: String) -> MoneyParseError { MoneyParseError(text: text, reason: reason) }
        var bytes = Substring(text).utf8[...]
        while let first = bytes.first, first == 0x20 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 { bytes = bytes.dropLast() }
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var exponent = 0
        var seenDot = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte >= 48 && byte <= 57 {
                digits.append(byte - 48)
                if seenDot { exponent -= 1 }
            } else if byte == UInt8(ascii: "."), !seenDot {
                seenDot = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                break
            } else {
                throw fail("unexpected character")
            }
            index = bytes.index(after: index)
        }
        guard !digits.isEmpty else { throw fail("no digits") }
        if index < bytes.endIndex {
            let rest = String(decoding: bytes[bytes.index(after: index)...], as: UTF8.self)
            guard let power = Int(rest), (-40...40).contains(power) else { throw fail("bad exponent") }
            exponent += power
        }
        while digits.count > 1, digits.first == 0 { digits.removeFirst() }
        guard digits.count <= 40 else { throw fail("too many digits") }
        return Reading(negative: negative, digits: digits, exponent: exponent)
    }
}

extension Money {
    /// Reads an amount in so'm-like major units with `style` (``DecimalGrammar``), at most the currency's
    /// decimals.
    public init(reading text: String, style: DecimalGrammar.Style, currency: Currency) throws(MoneyParseError) {
        let reading = try DecimalGrammar.read(text, style: style)
        guard reading.decimals <= currency.minorUnitDigits || style == .json else {
            throw MoneyParseError(text: text, reason: "more than \(currency.minorUnitDigits) decimals")
        }
        // JSON amounts with more decimals than the currency has are rounded half away from zero (issuers send
        // `1234.565`); every other style is exact.
        guard let minor = reading.scaled(to: currency.minorUnitDigits, exact: style != .json) else {
            throw MoneyParseError(text: text, reason: "too large")
        }
        self.init(minorUnits: minor, currency: currency)
    }
}

extension ExactDecimal {
    /// Reads a quantity or rate with `style` (``DecimalGrammar``), keeping the decimals written (at most 9;
    /// JSON numbers drop trailing fractional zeros and round beyond 9 decimals).
    public init(reading text: String, style: DecimalGrammar.Style) throws(MoneyParseError) {
        var reading = try DecimalGrammar.read(text, style: style)
        if style == .json {
            while reading.exponent < 0, reading.digits.count > 1, reading.digits.last == 0 {
                reading.digits.removeLast()
                reading.exponent += 1
            }
            if reading.exponent < 0, reading.digits == [0] { reading.exponent = 0 }
        } else if reading.decimals > 9 {
            throw MoneyParseError(text: text, reason: "more than 9 decimals")
        }
        let scale = min(9, reading.decimals)
        guard let significand = reading.scaled(to: scale, exact: style != .json) else {
            throw MoneyParseError(text: text, reason: "too large")
        }
        self.init(significand: significand, scale: scale)
    }
}
