/// Decimal formatting shared by ``Money`` and ``ExactDecimal``; reading is ``DecimalGrammar``'s.
package enum DecimalText {
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

}
