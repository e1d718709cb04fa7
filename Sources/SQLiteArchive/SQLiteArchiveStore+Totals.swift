import Archive
import FiscalCore
import GRDB

// MARK: - Monthly totals, aggregated by the database

extension SQLiteArchiveStore {
    /// The month's register totals by the database (see ``MonthlyTotals``): a `SUM`/`COUNT … GROUP BY` per Tashkent
    /// day, each a range scan of the `events_occurred` index, without building a register row. One query per day,
    /// not one per month: the grouping sorts the rows it groups in memory (`temp_store = MEMORY`), so a whole
    /// month's grouping grew with the month (+9 MB per 115,000 events, measured); a day's stays small.
    public func monthlyTotals(in month: YearMonth) async throws(ArchiveError) -> MonthlyTotals {
        try await Self.monthlyTotals(pool, in: month)
    }

    /// The SQL of the totals. The amount is the register's: a refund seen only as status 6 (source `detected`,
    /// amount 0) takes its refund receipt's total when the receipt the register links (the first refund receipt
    /// of total 0, else the first refund receipt) is in the event's currency.
    static let monthlyTotalsSQL = """
        SELECT e.kind, e.currency,
            e.kind IN ('payment', 'p2p') AND COALESCE(t.status, 2) IN (-1, 0) AS not_paid,
            COUNT(*) AS n,
            SUM(CASE WHEN e.kind = 'refund' AND e.source = 'detected' AND e.amount = 0
                THEN COALESCE((SELECT -r.total FROM receipts r WHERE r.currency = e.currency AND r.id = COALESCE(
                    (SELECT id FROM receipts WHERE transaction_id = e.transaction_id AND kind = 'refund' AND total = 0
                        ORDER BY id LIMIT 1),
                    (SELECT id FROM receipts WHERE transaction_id = e.transaction_id AND kind = 'refund'
                        ORDER BY id LIMIT 1))), 0)
                ELSE e.amount END) AS amount
        FROM events e JOIN transactions t ON t.id = e.transaction_id
        WHERE e.occurred_at >= ?1 AND e.occurred_at < ?2
        GROUP BY e.kind, e.currency, not_paid
        ORDER BY e.kind, e.currency, not_paid
        """

    static func monthlyTotals(_ reader: some DatabaseReader, in month: YearMonth) async throws(ArchiveError)
        -> MonthlyTotals
    {
        let groups: [MonthlyTotals.Group]
        do {
            groups = try await reader.read { db in
                var groups: [MonthlyTotals.Group] = []
                let statement = try db.makeStatement(sql: monthlyTotalsSQL)
                for day in 1...month.dayCount {
                    let start = month.startEpochSeconds + Int64(day - 1) * 86_400
                    for row in try Row.fetchAll(statement, arguments: [start, start + 86_400]) {
                        let kind: String = row["kind"]
                        let code: String = row["currency"]
                        guard let event = RegisterEntry.Event(rawValue: kind), let currency = Currency(rawValue: code)
                        else {
                            throw ArchiveError(
                                .corrupt, "The events of \(month) hold an unreadable kind \(kind) or currency \(code)")
                        }
                        groups.append(MonthlyTotals.Group(
                            event: event, currency: currency, day: day, notPaid: row["not_paid"], count: row["n"],
                            amount: Money(minorUnits: row["amount"], currency: currency)))
                    }
                }
                return groups
            }
        } catch {
            throw Self.mapError(error, "Cannot total the register of \(month)")
        }
        return MonthlyTotals(month: month, groups: groups.sorted {
            ($0.event.rawValue, $0.currency.rawValue, $0.day, $0.notPaid ? 1 : 0)
                < ($1.event.rawValue, $1.currency.rawValue, $1.day, $1.notPaid ? 1 : 0)
        })
    }
}

extension SQLiteRegisterSnapshot {
    /// The month's totals by the database, as ``SQLiteArchiveStore/monthlyTotals(in:)``, from the snapshot.
    func monthlyTotals(in month: YearMonth) async throws(ArchiveError) -> MonthlyTotals {
        try await SQLiteArchiveStore.monthlyTotals(figures, in: month)
    }
}

// MARK: - Bulk import

/// A transaction as the seeding tool (`Benchmarks/ArchiveSeed`) hands it to ``SQLiteArchiveStore/importBulk(_:)``: tracked,
/// one pipeline trip, then money operations and re-checks, each at its own time.
public struct BulkTransaction: Sendable {
    /// A refund or cancel made through this tool, recorded and completed.
    public struct Operation: Sendable {
        public var intent: OperationIntent
        public var createdAt: Int64
        public var outcome: OperationOutcome
        public var completedAt: Int64

        public init(intent: OperationIntent, createdAt: Int64, outcome: OperationOutcome, completedAt: Int64) {
            self.intent = intent
            self.createdAt = createdAt
            self.outcome = outcome
            self.completedAt = completedAt
        }
    }

    /// A later `payment_info` answer (a re-check): a status 3 or 6 nothing explains becomes a `detected` event.
    public struct Recheck: Sendable {
        public var info: PaymentSnapshot
        public var at: Int64

        public init(info: PaymentSnapshot, at: Int64) {
            self.info = info
            self.at = at
        }
    }

    public var request: TrackRequest
    public var trackedAt: Int64
    /// What the sync learned, committed as ``ArchiveStore/commit(_:of:lease:now:)`` does at `tripAt`.
    public var trip: PipelineTrip
    public var tripAt: Int64
    public var operations: [Operation]
    public var rechecks: [Recheck]

    public init(
        request: TrackRequest, trackedAt: Int64, trip: PipelineTrip, tripAt: Int64, operations: [Operation] = [],
        rechecks: [Recheck] = []
    ) {
        self.request = request
        self.trackedAt = trackedAt
        self.trip = trip
        self.tripAt = tripAt
        self.operations = operations
        self.rechecks = rechecks
    }
}

extension SQLiteArchiveStore {
    /// Writes a batch of fully formed transactions in ONE write transaction, for seeding benchmark archives and
    /// bulk loads: each is tracked, its trip stored (payment snapshot and event, links, originals with their
    /// receipts, final state), its operations recorded and completed, its re-checks applied — through the same
    /// statements the sync and the operations use, so every event, original and operation gets its integrity-chain
    /// link in order and ``verify()`` passes. No lease and no claim: nothing else may be working on these ids.
    ///
    /// All or nothing: an id already tracked throws ``ArchiveError/Code/conflict`` naming it and nothing is written.
    /// Operations are not checked against the payment as `beginOperation` does: the caller hands consistent ones.
    public func importBulk(_ batch: [BulkTransaction]) async throws(ArchiveError) {
        try await asyncWrite("Cannot import \(batch.count) transactions") { db in
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM transactions WHERE id = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO transactions(id, type, vendor_order_id, state, next_attempt_at, tracked_at, updated_at)
                VALUES (?, ?, ?, 'tracked', ?, ?, ?)
                """)
            for item in batch {
                let id = item.request.id
                guard try Int.fetchOne(exists, arguments: [id.rawValue]) == nil else {
                    throw ArchiveError(.conflict, "Transaction \(id) is already tracked", transactionID: id)
                }
                try insert.execute(arguments: [
                    id.rawValue, item.request.type.rawValue, item.request.vendorOrderID, item.trackedAt, item.trackedAt,
                    item.trackedAt,
                ])
                try Self.importTrip(db, id, item.trip, now: item.tripAt)
                for operation in item.operations {
                    try Self.importOperation(db, operation)
                }
                for recheck in item.rechecks {
                    try Self.recordPaymentInfo(db, id, recheck.info, now: recheck.at)
                }
            }
        }
    }

    private static func importTrip(_ db: Database, _ id: TransactionID, _ trip: PipelineTrip, now: Int64) throws {
        if let payment = trip.payment {
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT type, status, info_at FROM transactions WHERE id = ?"),
                arguments: [id.rawValue])
            guard let row else { throw ArchiveError(.notFound, "Transaction \(id) is not tracked", transactionID: id) }
            try applyPaymentInfo(db, id, payment, row: row, now: now)
        }
        if let links = trip.links {
            try db.cachedStatement(sql: "UPDATE transactions SET receipt_url = ? WHERE id = ?")
                .execute(arguments: [links.url, id.rawValue])
            try storeRefundLinks(db, id, links.refundURLs)
        }
        var unparsed = 0
        for original in trip.originals {
            let originalID = try insertOriginal(db, id, original, now: now)
            if let parsed = original.parsed {
                try storeReceipt(
                    db, receiptID: nil, transactionID: id, originalID: originalID, receipt: parsed.receipt,
                    document: parsed.document, warnings: parsed.warnings, now: now)
            } else {
                unparsed += 1
            }
        }
        let (state, step, reason, nextAttemptAt): (PipelineState, String?, String?, Int64) = switch trip.end {
        case .archived: (unparsed == 0 ? .archived : .pageFetched, nil, nil, now)
        case .waiting(let waitingStep, let waitingReason, let next): (.waiting, waitingStep.rawValue, waitingReason, next)
        case .failed(let failedStep, let failedReason): (.failed, failedStep.rawValue, failedReason, now)
        case .released: (trip.payment == nil ? .tracked : .infoFetched, nil, nil, now)
        }
        try db.cachedStatement(sql: """
            UPDATE transactions SET state = ?, step = ?, attempts = ?, first_waiting_at = ?, last_error = ?,
                next_attempt_at = ?, updated_at = ?
            WHERE id = ?
            """).execute(arguments: [
                state.rawValue, step, state == .waiting ? 1 : 0, state == .waiting ? now : nil, reason, nextAttemptAt,
                now, id.rawValue,
            ])
    }

    /// Records an operation and its completion as ``beginOperation(_:now:check:)`` and
    /// ``completeOperation(_:outcome:now:)`` do (rows, status, event, both chain links), without the checks.
    private static func importOperation(_ db: Database, _ operation: BulkTransaction.Operation) throws {
        let intent = operation.intent
        let id = intent.transactionID
        let kind: OperationRecord.Kind
        var amount: Money?
        switch intent.kind {
        case .refund(let money):
            kind = .refund
            amount = money
        case .cancel:
            kind = .cancel
            if let row = try Row.fetchOne(
                db, sql: "SELECT amount, currency FROM transactions WHERE id = ?", arguments: [id.rawValue]),
                let minor: Int64 = row["amount"], let code: String = row["currency"], let currency = Currency(rawValue: code)
            {
                amount = Money(minorUnits: minor, currency: currency)
            }
        }
        try db.cachedStatement(sql: """
            INSERT INTO operations(transaction_id, kind, amount, currency, user, note, created_at, status_before,
                refund_links_before)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                id.rawValue, kind.rawValue, amount?.minorUnits, amount?.currency.rawValue, intent.user, intent.note,
                operation.createdAt, intent.statusBefore?.rawValue, intent.refundLinksBefore,
            ])
        let operationID = db.lastInsertedRowID
        try IntegrityChain.append(
            db, kind: .operation, refID: operationID,
            payloadHash: IntegrityChain.operationPayload(try operationRow(db, operationID)))
        let now = operation.completedAt
        switch operation.outcome {
        case .unknown(let reason, let nextCheckAt):
            try db.execute(
                sql: "UPDATE operations SET reason = ?, cause = ?, next_check_at = ?, checks = 1 WHERE id = ?",
                arguments: [reason, reason, nextCheckAt, operationID])
            return
        case .failed(let reason):
            try db.execute(
                sql: "UPDATE operations SET state = 'failed', completed_at = ?, reason = ? WHERE id = ?",
                arguments: [now, reason, operationID])
        case .succeeded(let status, let mxID):
            try db.execute(
                sql: "UPDATE operations SET state = 'succeeded', completed_at = ?, result_status = ?, mx_id = ? WHERE id = ?",
                arguments: [now, status.rawValue, mxID, operationID])
            let previous = try Int.fetchOne(
                db, sql: "SELECT status FROM transactions WHERE id = ?", arguments: [id.rawValue])
            if previous != status.rawValue {
                try db.execute(
                    sql: "UPDATE transactions SET status = ?, updated_at = ? WHERE id = ?",
                    arguments: [status.rawValue, now, id.rawValue])
                try appendStatus(db, id, status, now)
            }
            switch kind {
            case .refund:
                if let amount {
                    try insertEvent(
                        db, kind: .refund, id: id, amount: -amount, occurredAt: now, source: .operation, now: now,
                        operationID: operationID)
                }
            case .cancel:
                let cancelled = try Bool.fetchOne(
                    db, sql: "SELECT EXISTS(SELECT 1 FROM events WHERE transaction_id = ? AND kind = 'cancellation')",
                    arguments: [id.rawValue]) ?? false
                if !cancelled, let amount {
                    try insertEvent(
                        db, kind: .cancellation, id: id, amount: -amount, occurredAt: now, source: .operation, now: now,
                        operationID: operationID)
                }
            }
        }
        try IntegrityChain.append(
            db, kind: .operationResult, refID: operationID,
            payloadHash: IntegrityChain.operationResultPayload(try operationRow(db, operationID)))
    }
}
