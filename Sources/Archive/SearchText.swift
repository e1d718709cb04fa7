/// Normalisation of text for the full-text index and for queries, applied identically to both.
enum SearchText {
    /// Apostrophe forms Uzbek text uses interchangeably (`o'`, `oʻ`, `o‘`, `o’`, `` o` ``, `oʼ`, `o´`).
    static let apostrophes: Set<Character> = ["'", "`", "\u{02BB}", "\u{02BC}", "\u{2018}", "\u{2019}", "\u{00B4}", "\u{02BD}"]

    /// Removes apostrophes so `to'lov`, `toʻlov` and `to‘lov` all index as `tolov` (unicode61 would otherwise split
    /// at some forms and keep others inside words). Case and diacritics are folded by the tokenizer.
    static func normalise(_ text: String) -> String {
        String(text.filter { !apostrophes.contains($0) })
    }

    /// An FTS5 query: every word must match (as a prefix), each quoted so no word is read as query syntax.
    /// `nil` when there are no words.
    static func matchQuery(_ words: String) -> String? {
        let tokens = normalise(words)
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map { "\"\($0)\"*" }
        return tokens.isEmpty ? nil : tokens.joined(separator: " ")
    }
}
