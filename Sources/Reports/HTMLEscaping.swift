/// The one escaping function every piece of text in an HTML report goes through.
///
/// It escapes `&`, `<`, `>`, `"` and `'`, so the result is safe in element content and in quoted attribute values
/// alike. Receipt text, order ids, notes and URLs come from outside and are untrusted (DESIGN.md rule 6).
public enum HTMLEscaping {
    /// `text` with `&`, `<`, `>`, `"`, `'` replaced by character references.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
