import GRDB

/// Normalisation of text for the full-text index and for queries, applied identically to both.
enum SearchText {
    /// Apostrophe forms Uzbek text uses interchangeably (`o'`, `oʻ`, `o‘`, `o’`, `` o` ``, `oʼ`, `o´`).
    static let apostrophes: Set<Character> = ["'", "`", "\u{02BB}", "\u{02BC}", "\u{2018}", "\u{2019}", "\u{00B4}", "\u{02BD}"]

    /// Removes apostrophes so `to'lov`, `toʻlov` and `to‘lov` all index as `tolov` (unicode61 would otherwise split
    /// at some forms and keep others inside words). Case and diacritics are folded by the tokenizer.
    static func normalise(_ text: String) -> String {
        String(text.filter { !apostrophes.contains($0) })
    }

    /// The FTS5 pattern of typed words: every word must match, as a prefix. Words are split at anything that is
    /// not a letter or a digit and each is quoted, so none is read as query syntax (`AND`, `NEAR`, `-`, `*`, `"`);
    /// GRDB's `FTS5Pattern` then checks the pattern before it is bound. `nil` when there are no words.
    /// (`FTS5Pattern(matchingAllPrefixesIn:)` is not used: it splits with the ASCII tokenizer, which keeps non-ASCII
    /// punctuation such as `«` inside words.)
    static func pattern(_ words: String) -> FTS5Pattern? {
        let tokens = normalise(words)
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map { "\"\($0)\"*" }
        guard !tokens.isEmpty else { return nil }
        return try? FTS5Pattern(rawPattern: tokens.joined(separator: " "))
    }
}
