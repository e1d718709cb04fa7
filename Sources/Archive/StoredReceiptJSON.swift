import FiscalCore
import Foundation

/// A receipt as every backend stores it: JSON with sorted keys (so the same receipt is always the same text, and a
/// reparse can tell whether it changed).
package enum StoredReceiptJSON {
    package static func encode(_ receipt: FiscalReceipt, id: TransactionID) throws(ArchiveError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(receipt), as: UTF8.self)
        } catch {
            throw ArchiveError(.invalid, "Cannot encode the receipt of transaction \(id): \(error)", transactionID: id)
        }
    }

    package static func decode(_ document: String, id: TransactionID) throws(ArchiveError) -> FiscalReceipt {
        do {
            return try JSONDecoder().decode(FiscalReceipt.self, from: Data(document.utf8))
        } catch {
            throw ArchiveError(.corrupt, "The stored receipt of transaction \(id) cannot be read: \(error)", transactionID: id)
        }
    }
}
