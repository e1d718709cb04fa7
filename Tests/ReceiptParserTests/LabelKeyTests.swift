import FiscalCore
import Testing

@testable import ReceiptParser

/// The byte-level label key must give exactly the key of its definition (`labelKeyReference`: Unicode scalars and
/// `lowercased()`), for the labels themselves and for texts around them.
@Suite("Label keys folded on bytes")
struct LabelKeyTests {
    /// Every spelling of every label, upper-cased and with odd spacing, apostrophes and colons.
    static var labelTexts: [String] {
        let keys = Array(Labels.header.keys) + Array(Labels.item.keys) + Labels.otherPaymentMethods
            + Array(Labels.noVAT) + Labels.notFoundPhrases + Labels.kinds.flatMap(\.words)
        return keys.flatMap { key in
            [key, key.uppercased(), " \u{A0}" + key.prefix(1).uppercased() + key.dropFirst() + " : ", key.replacingApostrophes("\u{2BB}") + ":",
             key.replacingApostrophes("`").uppercased() + "\n\t:", key.replacingApostrophes("\u{2019}")]
        }
    }

    @Test("labels in Latin, Cyrillic Uzbek and Russian, as printed and as a user might print them")
    func labels() {
        for text in Self.labelTexts {
            #expect(TextNormalization.labelKey(text) == TextNormalization.labelKeyReference(text), "\(String(reflecting: text))")
        }
        // Not vacuous: the keys fold case, apostrophes, spaces and the colon.
        #expect(TextNormalization.labelKey(" JAMI  TO\u{2BB}LOV\u{A0}: ") == "jami to'lov")
        #expect(TextNormalization.labelKey("ҚҚС ФОИЗИ") == "ққс фоизи")
        #expect(TextNormalization.labelKey("ЁЎЄІЇ ЧЕК №") == "ёўєії чек №")
    }

    @Test("random texts over letters that fold, that do not, and those the byte path hands over")
    func randomTexts() {
        let alphabet: [String] = [
            "a", "Z", "q", "'", "`", ":", " ", "\t", "\n", "\u{A0}", "\u{2009}", "\u{202F}", "\u{FEFF}", "\u{2BB}",
            "\u{2BC}", "\u{2018}", "\u{2019}", "\u{2116}", "\u{2014}", "«", "»", "µ", "Ё", "ё", "Ў", "ў", "Қ", "қ",
            "Ғ", "ғ", "Ҳ", "ҳ", "Я", "я", "А", "Ж", "5", "%", "/", ".", ",", "É", "é", "İ", "ß", "Σ", "\u{212A}",
            "\u{0306}", "Ӏ", "Ү", "😀", "\u{0085}", "\u{200D}",
        ]
        var random = SplitMix64(seed: 17)
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(random.below(12)) { text += alphabet[Int(random.below(Int64(alphabet.count)))] }
            #expect(TextNormalization.labelKey(text) == TextNormalization.labelKeyReference(text), "\(String(reflecting: text))")
        }
    }

    @Test("trimming returns the text itself when there is nothing to trim, and trims Unicode spaces")
    func trimming() {
        #expect(TextNormalization.trimmed("1,000.00") == "1,000.00")
        #expect(TextNormalization.trimmed("\u{A0} 1 000,00\u{202F}\n") == "1 000,00")
        #expect(TextNormalization.trimmed(" \u{FEFF}") == "")
        #expect(TextNormalization.trimmed("") == "")
        #expect(TextNormalization.trimmed("Нақд пул") == "Нақд пул")
    }
}

private extension String {
    func replacingApostrophes(_ with: String) -> String {
        split(separator: "'", omittingEmptySubsequences: false).joined(separator: with)
    }
}
