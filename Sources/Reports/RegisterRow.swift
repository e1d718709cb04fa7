import Archive
import FiscalCore

/// Rules shared by every rendering of a register row (CSV, HTML, summary): signs and what counts as paid.
enum RegisterRow {
    /// A receipt amount signed like its event: negative on refund and cancellation rows, whose receipts are
    /// refund receipts printed with positive totals. This makes `receipt_total` comparable with `amount`.
    static func signed(_ money: Money, like entry: RegisterEntry) -> Money {
        switch entry.event {
        case .payment, .p2p: money
        case .refund, .cancellation: money.isNegative ? money : -money
        }
    }

    /// Statuses under which no money was taken: the payment failed (`-1`) or was never paid (`0`).
    static func isNotPaid(_ status: PaySysStatus) -> Bool {
        status == .error || status == .created
    }

    /// Whether a link may be rendered as a link: only `http` and `https` (no `javascript:`, `data:`, …).
    static func isWebLink(_ url: String) -> Bool {
        let lowered = url.lowercased()
        return (lowered.hasPrefix("https://") || lowered.hasPrefix("http://")) && lowered.count > 8
            && !url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true })
    }
}
