import Archive
import PaySysClient

extension PaymentSnapshot {
    /// What the archive keeps of a `payment_info` answer.
    public init(_ info: PaymentInfo) {
        self.init(
            amount: info.amount, status: info.status, date: info.date, vendorOrderID: info.vendorUserID,
            bankTransactionID: info.bankTransactionID.map { String($0) }, mxID: info.mxID)
    }
}
