/// Digit-by-digit decimal parsing and formatting, shared by ``Money`` and ``ExactDecimal``.
///
/// Nothing here goes through `Double`: a value like `56,990.00` becomes `5699000` by reading its digits.
package enum DecimalText {
    /// Parses `text` into an integer scaled by `10^digits`.
    ///
    /// Accepts optional surrounding whitespace, a leading `-` or `+`, comma thousands separators in the integer part
    /// (in groups of three), and at most `digits` decimals after a dot. Fewer decimals are padded.
    package static func minorUnits(_ text: String, digits: Int) throws(MoneyParseError) -> Int64 {
        let (negative, integerPart, fraction) = try split(text)
        guard fraction.count <= digits else {
            throw MoneyParseError(text: text, reason: "more than \(digits) decimals")
        }
        var value: Int64 = 0
        for digit in integerPart + fraction + Array(repeating: 0, count: digits - fraction.count) {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (added, overflowB) = shifted.addingReportingOverflow(Int64(digit))
            guard !overflowA, !overflowB else { throw MoneyParseError(text: text, reason: "too large") }
            value = added
        }
        return negative ? -value : value
    }

    /// Splits a decimal into its sign, integer digits and fraction digits, validating the grouping.
    package static func split(_ text: String) throws(MoneyParseError) -> (negative: Bool, integer: [UInt8], fraction: [UInt8]) {
        var bytes = Array(text.trimmingASCIIWhitespace().utf8)
        guard !bytes.isEmpty else { throw MoneyParseError(text: text, reason: "empty") }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        let dot = bytes.firstIndex(of: UInt8(ascii: "."))
        let integerBytes = dot.map { Array(bytes[..<$0]) } ?? bytes
        let fractionBytes = dot.map { Array(bytes[($0 + 1)...]) } ?? []
        if dot != nil && fractionBytes.isEmpty {
            throw MoneyParseError(text: text, reason: "no digits after the decimal point")
        }
        guard !integerBytes.isEmpty else { throw MoneyParseError(text: text, reason: "no digits before the decimal point") }

        var integer: [UInt8] = []
        let groups = integerBytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        for (index, group) in groups.enumerated() {
            if groups.count > 1 {
                let valid = index == 0 ? (1...3).contains(group.count) : group.count == 3
                guard valid else { throw MoneyParseError(text: text, reason: "misplaced thousands separator") }
            }
            for byte in group {
                guard let digit = asciiDigit(byte) else {
                    throw MoneyParseError(text: text, reason: "unexpected character")
                }
                integer.append(digit)
            }
        }
        var fraction: [UInt8] = []
        for byte in fractionBytes {
            guard let digit = asciiDigit(byte) else { throw MoneyParseError(text: text, reason: "unexpected character") }
            fraction.append(digit)
        }
        return (negative, integer, fraction)
    }

    /// Formats `scaled / 10^digits` with exactly `digits` decimals, optionally with comma grouping.
    package static func format(_ scaled: Int64, digits: Int, grouping: Bool = false) -> String {
        let negative = scaled < 0
        // magnitude avoids the overflow of -Int64.min
        var magnitude = String(scaled.magnitude)
        if magnitude.count <= digits {
            magnitude = String(repeating: "0", count: digits - magnitude.count + 1) + magnitude
        }
        let split = magnitude.index(magnitude.endIndex, offsetBy: -digits)
        var integer = String(magnitude[..<split])
        let fraction = String(magnitude[split...])
        if grouping {
            var grouped = ""
            for (offset, character) in integer.enumerated() {
                if offset > 0 && (integer.count - offset) % 3 == 0 { grouped.append(",") }
                grouped.append(character)
            }
            integer = grouped
        }
        let body = digits > 0 ? "\(integer).\(fraction)" : integer
        return negative ? "-" + body : body
    }

    private static func asciiDigit(_ byte: UInt8) -> UInt8? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? byte - UInt8(ascii: "0") : nil
    }
}
