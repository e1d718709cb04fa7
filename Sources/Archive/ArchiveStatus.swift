import FiscalCore

/// The archive at a glance (`fiscal-archive status`).
public struct ArchiveStatus: Sendable, Hashable {
    /// A transaction that needs attention: failed or waiting, with why.
    public struct Line: Sendable, Hashable {
        public var id: TransactionID
        public var step: PipelineStep?
        public var reason: String?
        public var attempts: Int
        /// For waiting ones: the next attempt (Unix seconds).
        public var nextAttemptAt: Int64?

        /// Creates a line.
        public init(id: TransactionID, step: PipelineStep?, reason: String?, attempts: Int, nextAttemptAt: Int64?) {
            self.id = id
            self.step = step
            self.reason = reason
            self.attempts = attempts
            self.nextAttemptAt = nextAttemptAt
        }
    }

    /// Transactions per state (every state present, zero when none).
    public var countsByState: [PipelineState: Int]
    /// Failed transactions with reasons (at most 100, oldest first).
    public var failures: [Line]
    /// Waiting transactions with reasons (at most 100, soonest first).
    public var waiting: [Line]
    /// Quarantined transactions (rows the pipeline could not decode) with the reason (at most 100, oldest first).
    public var quarantined: [Line]
    /// Jobs due now (what a `sync` would start on).
    public var dueNow: Int
    public var originals: Int
    public var receipts: Int
    public var events: Int
    public var pendingOperations: Int
    /// Meta `last_sync_at` (Unix seconds), if set.
    public var lastSyncAt: Int64?
    /// Meta `last_export_month` (`YYYY-MM`), if set.
    public var lastExportMonth: String?
    /// Archived payments whose status re-check is due now (``RecheckSchedule``).
    public var rechecksDue: Int
    /// Hex SHA-256 of the latest chain link.
    public var chainHead: String

    /// Creates a status.
    public init(
        countsByState: [PipelineState: Int], failures: [Line], waiting: [Line], dueNow: Int, originals: Int,
        receipts: Int, events: Int, pendingOperations: Int, lastSyncAt: Int64?, lastExportMonth: String?,
        chainHead: String, quarantined: [Line] = [], rechecksDue: Int = 0
    ) {
        self.quarantined = quarantined
        self.rechecksDue = rechecksDue
        self.countsByState = countsByState
        self.failures = failures
        self.waiting = waiting
        self.dueNow = dueNow
        self.originals = originals
        self.receipts = receipts
        self.events = events
        self.pendingOperations = pendingOperations
        self.lastSyncAt = lastSyncAt
        self.lastExportMonth = lastExportMonth
        self.chainHead = chainHead
    }

    /// Total tracked transactions.
    public var total: Int { countsByState.values.reduce(0, +) }
}
