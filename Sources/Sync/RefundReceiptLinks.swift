import Archive
import FiscalCore
import PaySysClient

/// Learns the refund-receipt links of a refunded or cancelled transaction (the optional `refund_cheques` of
/// `get_fiscal_cheque`) and records them, so the next sync archives those receipts. Used after an operation and
/// when a re-check sees a status change.
public enum RefundReceiptLinks {
    /// Asks the gateway and records any refund links; returns whether some were recorded.
    @discardableResult
    public static func collect(
        _ id: TransactionID, type: TransactionType, gateway: PaySysClient, archive: any ArchiveStore, now: Int64
    ) async throws -> Bool {
        let cheque = try await gateway.fiscalCheque(id, type: type)
        guard !cheque.refundURLs.isEmpty else { return false }
        try await archive.recordReceiptLink(id, url: cheque.url, refundURLs: cheque.refundURLs, now: now)
        return true
    }
}
