import Archive
import GRDB

extension SearchText {
    /// The FTS5 pattern of typed words: every word must match, as a prefix. Words are split at anything that is
    /// not a letter or a digit and each is quoted, so none is read as query syntax (`AND`, `NEAR`, `-`, `*`, `"`);
    /// GRDB's `FTS5Pattern` then checks the pattern before it is bound. `nil` when there are no words.
    /// (`FTS5Pattern(matchingAllPrefixesIn:)` is not used: it splits with the ASCII tokenizer, which keeps non-ASCII
    /// punctuation such as `«` inside words.)
    static func pattern(_ words: String) -> FTS5Pattern? {
        let tokens = SearchText.words(words).map { "\"\($0)\"*" }
        guard !tokens.isEmpty else { return nil }
        return try? FTS5Pattern(rawPattern: tokens.joined(separator: " "))
    }
}
