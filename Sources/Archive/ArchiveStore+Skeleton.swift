import FiscalCore

// Skeleton: signatures the other modules code against. Bodies are filled in file by file.
extension ArchiveStore {
    /// Records a `payment_info` answer.
    public func recordPaymentInfo(_ id: TransactionID, _ info: PaymentSnapshot, now: Int64) throws {}
    /// Stores an original; returns its id.
    public func recordOriginal(_ id: TransactionID, _ original: OriginalDocument, now: Int64) throws -> Int64 { 0 }
    /// Archives a parsed receipt.
    public func recordArchived(
        _ id: TransactionID, originalID: Int64, receipt: FiscalReceipt, warnings: [String], now: Int64
    ) throws {}
    /// Everything known about a transaction.
    public func transaction(_ id: TransactionID) throws -> TransactionRecord? { nil }
    /// The archived sale receipt of a transaction.
    public func receipt(for id: TransactionID) throws -> ArchivedReceipt? { nil }
    /// The original of a transaction's receipt.
    public func original(for id: TransactionID) throws -> StoredOriginal? { nil }
    /// An original by id.
    public func original(id: Int64) throws -> StoredOriginal? { nil }
    /// Looks transactions up.
    public func lookup(_ query: LookupQuery, limit: Int, offset: Int) throws -> [LookupHit] { [] }
    /// The archive at a glance.
    public func status(now: Int64) throws -> ArchiveStatus {
        ArchiveStatus(countsByState: [:], failures: [], waiting: [], dueNow: 0, originals: 0, receipts: 0, events: 0,
            pendingOperations: 0, lastSyncAt: nil, lastExportMonth: nil, chainHead: "")
    }
    /// Streams the month's register.
    public func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) throws {}
    /// VAT by rate of the month's sale receipts.
    public func vatBreakdown(in month: YearMonth) throws -> [VATLine] { [] }
    /// Months that have events.
    public func monthsWithEvents() throws -> [YearMonth] { [] }
    /// The chain head.
    public func chainHead() throws -> String { "" }
    /// Records a money-moving intent after `check` passes.
    public func beginOperation(_ intent: OperationIntent, now: Int64, check: (OperationContext) throws -> Void) throws -> OperationRecord {
        throw ArchiveError(.invalid, "todo")
    }
    /// Records how an operation ended.
    public func completeOperation(_ id: Int64, outcome: OperationOutcome, now: Int64) throws {}
    /// Pending operations.
    public func pendingOperations() throws -> [OperationRecord] { [] }
    /// The operations log, newest first.
    public func operations(limit: Int) throws -> [OperationRecord] { [] }
    /// Stores an invoice.
    public func recordInvoice(_ invoice: InvoiceRecord, now: Int64) throws {}
    /// Invoices, newest first.
    public func invoices() throws -> [InvoiceRecord] { [] }
    /// Verifies originals and the chain.
    public func verify() throws -> VerificationReport { VerificationReport(originalsChecked: 0, linksChecked: 0, problems: [], chainHead: "") }
    /// Rebuilds receipts from originals.
    public func reparse(_ parse: (StoredOriginal) throws -> FiscalReceipt) throws -> ReparseSummary {
        ReparseSummary(rebuilt: 0, changed: 0, failures: [])
    }
}
