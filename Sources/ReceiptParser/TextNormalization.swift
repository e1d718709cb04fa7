/// Text helpers for matching receipt labels: the original text is always kept, these only serve comparison.
enum TextNormalization {
    /// Whitespace characters as they appear on receipt pages (including no-break and other Unicode spaces).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F,
            0x3000, 0xFEFF:
            true
        default: false
        }
    }

    /// The text without leading and trailing whitespace; inner whitespace is kept as written.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
            let end = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[start...end])
    }

    /// The trimmed text, or `nil` when nothing is left.
    static func nonEmpty(_ text: String) -> String? {
        let value = trimmed(text)
        return value.isEmpty ? nil : value
    }

    /// A comparison key for labels: whitespace runs collapsed to one space, trimmed, the four apostrophes (and
    /// U+2018, U+02BC) folded to `'`, lowercased, and a trailing colon dropped.
    static func labelKey(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isSpace(scalar) {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            switch scalar.value {
            case 0x60, 0x27, 0x2BB, 0x2BC, 0x2018, 0x2019: result.append("'")
            default: result.append(scalar)
            }
        }
        var key = String(result).lowercased()
        while key.hasSuffix(":") || key.hasSuffix(" ") { key.removeLast() }
        return key
    }
}
