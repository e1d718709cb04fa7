import FiscalCore

/// The archive, whatever holds it: the one storage seam of the project.
///
/// Two backends implement it: `SQLiteArchiveStore` (module `SQLiteArchive`, one file, the embedded default) and
/// `PostgresArchiveStore` (module `PostgresArchive`, a server database shared by workers on several machines).
/// Everything else talks to the archive through these intent-named methods and the backend-neutral models of this
/// module; no SQL, driver type or row leaves a backend. Every method commits on its own and none blocks a thread of
/// Swift's cooperative pool while it waits for the database.
///
/// Errors are ``ArchiveError``s. The three methods that run a closure of the caller's (``beginOperation(_:now:check:)``,
/// ``reparse(_:now:)`` and ``RegisterReader/forEachRegisterEntry(in:_:)``) throw what the closure throws as it is.
///
/// Both backends pass the same test suite; `docs/DESIGN.md` ("Storage") says what each guarantees and how.
public protocol ArchiveStore: RegisterReader {
    /// Where the archive is, for messages: a file path, or a server URL without its password.
    var location: String { get }

    // MARK: Tracking

    /// Starts tracking transactions (idempotent: known ones are counted, not changed).
    func track(_ requests: [TrackRequest], now: Int64) async throws(ArchiveError) -> TrackSummary

    /// Puts every failed transaction back in the queue, returning each with the reason it had failed.
    func retryFailed(now: Int64) async throws(ArchiveError) -> [FailedTransaction]

    // MARK: The sync's trips

    /// Claims up to `limit` due jobs for `worker` in one transaction, under one fencing token for the batch, for
    /// `lease` seconds. Rows that cannot be decoded are quarantined (never returned, never fatal).
    func claimJobs(limit: Int, now: Int64, worker: String, lease: Int64) async throws(ArchiveError) -> [PipelineJob]

    /// Commits one trip of a job atomically, in one transaction (see ``PipelineTrip``; a backend may share that
    /// transaction with trips committed at the same moment, each in a savepoint of its own, and returns once it
    /// committed); fenced by `lease`: a stale lease's write throws ``ArchiveError/Code/staleLease`` and writes
    /// nothing. Returns the job's new state.
    @discardableResult
    func commit(_ trip: PipelineTrip, of id: TransactionID, lease: PipelineLease, now: Int64)
        async throws(ArchiveError) -> PipelineState

    /// The earliest time a pending job is due, `nil` when none is pending.
    func nextDueTime() async throws(ArchiveError) -> Int64?

    /// The workers holding unexpired job leases at `now`.
    func leaseHolders(now: Int64) async throws(ArchiveError) -> [String]

    /// Frees every job lease `worker` holds (a worker known to be dead); returns how many jobs it held.
    @discardableResult
    func releaseLeases(heldBy worker: String) async throws(ArchiveError) -> Int

    /// Claims up to `limit` archived transactions whose re-check is due (``RecheckSchedule``), moving each one's
    /// next re-check on so that no other worker takes it.
    func claimRechecks(now: Int64, horizon: Int64, limit: Int) async throws(ArchiveError) -> [TransactionID]

    /// Records a `payment_info` answer: the snapshot, status history, and any refund or cancellation it reveals.
    func recordPaymentInfo(_ id: TransactionID, _ info: PaymentSnapshot, now: Int64) async throws(ArchiveError)

    /// Records a transaction's receipt links (the sale receipt's and its refund receipts').
    func recordReceiptLink(_ id: TransactionID, url: String, refundURLs: [String], now: Int64)
        async throws(ArchiveError)

    // MARK: Reads

    func transaction(_ id: TransactionID) async throws(ArchiveError) -> TransactionRecord?
    func status(now: Int64) async throws(ArchiveError) -> ArchiveStatus
    func events(of id: TransactionID) async throws(ArchiveError) -> [ArchiveEvent]
    /// The transaction's sale receipt (its first non-refund receipt), if archived.
    func receipt(for id: TransactionID) async throws(ArchiveError) -> ArchivedReceipt?
    /// Every archived receipt of the transaction, oldest first.
    func receipts(for id: TransactionID) async throws(ArchiveError) -> [ArchivedReceipt]
    /// The transaction's first original, decompressed and checked against its hash.
    func original(for id: TransactionID) async throws(ArchiveError) -> StoredOriginal?
    /// An original by id, decompressed and checked against its hash.
    func original(id originalID: Int64) async throws(ArchiveError) -> StoredOriginal?
    /// Receipts matching `query` (full-text words in Latin or Cyrillic, or exact fields), newest first.
    func lookup(_ query: LookupQuery, limit: Int, offset: Int) async throws(ArchiveError) -> [LookupHit]
    /// The Tashkent months that have events, oldest first.
    func monthsWithEvents() async throws(ArchiveError) -> [YearMonth]
    /// A frozen view of the archive for a report: every read through it sees the same moment.
    func registerSnapshot() async throws(ArchiveError) -> any RegisterReader

    // MARK: Integrity

    /// Re-checks every original's hash and every link of the integrity chain against the rows it covers.
    func verify() async throws(ArchiveError) -> VerificationReport
    /// Parses every stored original again with `parse`, rewriting receipts and warnings in place (the originals and
    /// the chain are untouched) and putting transactions whose originals now parse back in the queue.
    func reparse(_ parse: @escaping @Sendable (StoredOriginal) throws -> ParsedOriginal, now: Int64)
        async throws -> ReparseSummary

    // MARK: Money operations

    /// What the archive knows about a transaction for an operation, read without recording anything.
    func operationContext(for intent: OperationIntent, now: Int64) async throws(ArchiveError) -> OperationContext
    /// Records an operation's intent, after `check` accepted the context read in the same write transaction (and
    /// under the transaction's row lock): two processes can never both pass `check` on the same state.
    func beginOperation(
        _ intent: OperationIntent, now: Int64, check: @escaping @Sendable (OperationContext) throws -> Void
    ) async throws -> OperationRecord
    /// Records an operation's outcome (appending its result to the integrity chain).
    func completeOperation(_ id: Int64, outcome: OperationOutcome, now: Int64) async throws(ArchiveError)
    /// Operations still pending, those due for a settle check by `dueBy` when given.
    func pendingOperations(dueBy: Int64?) async throws(ArchiveError) -> [OperationRecord]
    func operations(limit: Int) async throws(ArchiveError) -> [OperationRecord]
    func operation(_ id: Int64) async throws(ArchiveError) -> OperationRecord?
    /// The latest status observed before an operation was recorded (what settling compares against).
    func statusBefore(operation: OperationRecord) async throws(ArchiveError) -> PaymentSnapshot?
    func recordInvoice(_ invoice: InvoiceRecord, now: Int64) async throws(ArchiveError)
    func invoices() async throws(ArchiveError) -> [InvoiceRecord]

    // MARK: Copying between backends (`migrate`, see ``copy(from:progress:)``)

    /// Whether the archive holds nothing yet: no transaction, chain link, operation, invoice or named value.
    func isEmpty() async throws(ArchiveError) -> Bool
    /// A frozen view of every row, for copying out: every page read through it sees the same moment.
    func rowSnapshot() async throws(ArchiveError) -> any ArchiveRowSource
    /// Copies every row of `source` into this empty archive keeping every id and the chain's order, then rebuilds
    /// what it derives from rows (search index, id sequences, lease-token sequence, chain head). Returns the rows
    /// copied per table. On the server backend the copy is one transaction: it lands whole or not at all.
    func importRows(from source: any ArchiveRowSource, progress: @escaping @Sendable (ArchiveTable, Int) -> Void)
        async throws(ArchiveError) -> [String: Int]

    // MARK: Small named values and named leases

    /// Stores a small named value (`last_sync_at`, `last_export_month`, …).
    func setMeta(_ key: String, _ value: String) async throws(ArchiveError)
    func meta(_ key: String) async throws(ArchiveError) -> String?
    /// Takes a named lease (the monthly export's) for `owner` until `until` when nobody else holds it unexpired:
    /// of several processes on several machines exactly one gets it. The holder may renew it.
    func acquireLease(_ name: String, owner: String, until: Int64, now: Int64) async throws(ArchiveError) -> Bool
    /// Gives a named lease back early (only its holder can).
    func releaseLease(_ name: String, owner: String) async throws(ArchiveError)
}

/// Where a monthly report reads from: the archive, a frozen snapshot of it, or an in-memory stand-in in tests and
/// benchmarks. Every figure a report prints comes from these calls, so the same archive gives the same report.
public protocol RegisterReader: Sendable {
    /// Streams the events of a Tashkent month ordered by `occurredAt`, then `sequence`; memory stays flat.
    /// `body` must not call back into the archive.
    func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) async throws
    /// VAT by rate of the month, by receipt date (see ``VATLine``).
    func vatBreakdown(in month: YearMonth) async throws(ArchiveError) -> [VATLine]
    /// The integrity chain's head (hex), printed on a report as what it was made from.
    func chainHead() async throws(ArchiveError) -> String
    /// The time of the latest change (Unix seconds), `nil` when empty: what reports are dated by.
    func lastChangeAt() async throws(ArchiveError) -> Int64?
}

/// A failed transaction put back in the queue by ``ArchiveStore/retryFailed(now:)``.
public struct FailedTransaction: Sendable, Hashable {
    public var id: TransactionID
    /// Why it had failed.
    public var reason: String?

    public init(id: TransactionID, reason: String?) {
        self.id = id
        self.reason = reason
    }
}

extension ArchiveStore {
    /// Every pending operation, whatever its schedule.
    public func pendingOperations() async throws(ArchiveError) -> [OperationRecord] {
        try await pendingOperations(dueBy: nil)
    }

    /// Claims due re-checks up to the default horizon (``RecheckSchedule/defaultHorizon``).
    public func claimRechecks(now: Int64, limit: Int) async throws(ArchiveError) -> [TransactionID] {
        try await claimRechecks(now: now, horizon: RecheckSchedule.defaultHorizon, limit: limit)
    }
}
