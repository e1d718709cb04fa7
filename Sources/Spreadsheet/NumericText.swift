/// The exact decimal text of a numeric cell's stored value, computed on the digits (never through `Double`), so an
/// id stored as a number comes back as `11424156`, not `1.1424156E7` or `11424156.0`.
public enum NumericText {
    /// `1.1424156E7` → `11424156`, `11424156.0` → `11424156`, `-0.50` → `-0.5`, `1E-3` → `0.001`. Text that is not
    /// a plain decimal number (or whose exponent is absurdly large) is returned unchanged.
    public static func exact(_ text: String) -> String {
        var scalars = Substring(text.trimmingCharacters(in: " "))
        guard !scalars.isEmpty else { return text }
        var negative = false
        if scalars.first == "-" || scalars.first == "+" {
            negative = scalars.first == "-"
            scalars = scalars.dropFirst()
        }
        var mantissa = scalars
        var exponent = 0
        if let e = scalars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = scalars[..<e]
            guard let value = Int(scalars[scalars.index(after: e)...]), abs(value) <= 400 else { return text }
            exponent = value
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty),
              whole.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit) else { return text }
        // All digits, and where the point goes in them.
        let digits = Array(whole + fraction)
        var point = whole.count + exponent
        var integerPart: [Character]
        var fractionPart: [Character]
        if point <= 0 {
            integerPart = []
            fractionPart = Array(repeating: "0", count: -point) + digits
            point = 0
        } else if point >= digits.count {
            integerPart = digits + Array(repeating: "0", count: point - digits.count)
            fractionPart = []
        } else {
            integerPart = Array(digits[..<point])
            fractionPart = Array(digits[point...])
        }
        while integerPart.first == "0" { integerPart.removeFirst() }
        while fractionPart.last == "0" { fractionPart.removeLast() }
        var result = integerPart.isEmpty ? "0" : String(integerPart)
        if !fractionPart.isEmpty { result += "." + String(fractionPart) }
        if negative && result != "0" { result = "-" + result }
        return result
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var slice = self[...]
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return slice
    }
}
