import Archive
import FiscalCore
import ReceiptParser

/// Parses a stored original with the parser its format needs: the page through libxml2, the JSON API payload as
/// JSON. Used by the pipeline and by `reparse`.
public enum ReceiptDocument {
    /// Parses an original; the link it came from supplies what the page itself lacks (fiscal sign, seconds).
    public static func parse(_ original: StoredOriginal) throws -> ParsedReceipt {
        try parse(original.bytes, format: original.format, url: original.url)
    }

    /// Parses document bytes of a format, fetched from (or standing for) the receipt link `url`.
    public static func parse(_ bytes: [UInt8], format: OriginalDocument.Format, url: String) throws -> ParsedReceipt {
        switch format {
        case .html:
            return try ReceiptPageParser.parse(html: bytes, reference: try? ReceiptReference(url: url))
        case .json:
            return try ReceiptJSONParser.parse(json: bytes)
        }
    }
}
