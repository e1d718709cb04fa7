import Archive
import FiscalCore
import ReceiptParser

/// Parses a stored original with the parser its format needs: the page through libxml2, the JSON API payload as
/// JSON. Used by the pipeline and by `reparse`.
public enum ReceiptDocument {
    /// Parses an original; the link it came from supplies what the page itself lacks (fiscal sign, seconds).
    public static func parse(_ original: StoredOriginal) throws -> ParsedReceipt {
        switch original.format {
        case .html:
            return try ReceiptPageParser.parse(html: original.bytes, reference: try? ReceiptReference(url: original.url))
        case .json:
            return try ReceiptJSONParser.parse(json: original.bytes)
        }
    }
}
