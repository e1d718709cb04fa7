/// Normalisation of text for the full-text index and for queries, applied identically to both.
package enum SearchText {
    /// Apostrophe forms Uzbek text uses interchangeably (`o'`, `oʻ`, `o‘`, `o’`, `` o` ``, `oʼ`, `o´`).
    package static let apostrophes: Set<Character> = ["'", "`", "\u{02BB}", "\u{02BC}", "\u{2018}", "\u{2019}", "\u{00B4}", "\u{02BD}"]

    /// Removes apostrophes so `to'lov`, `toʻlov` and `to‘lov` all index as `tolov` (unicode61 would otherwise split
    /// at some forms and keep others inside words). Case and diacritics are folded by the tokenizer.
    package static func normalise(_ text: String) -> String {
        String(text.filter { !apostrophes.contains($0) })
    }

    /// The words of a query or an indexed text: split at anything that is not a letter or a digit.
    package static func words(_ text: String) -> [Substring] {
        normalise(text).split(whereSeparator: { !($0.isLetter || $0.isNumber) })
    }
}
