import Archive
import FiscalCore
import GRDB

extension SQLiteArchiveStore {
    /// Records a `payment_info` answer.
    ///
    /// Stores the snapshot and appends the status to the history when it changed. On the first answer it writes
    /// the transaction's single `payment`/`p2p` event (source `gateway`, at PaySys's `date`) and advances the job to
    /// `info_fetched` (keeping the lease). On a later answer (a re-check) the state does not move; a status that
    /// says cancelled or refunded becomes a `detected` event at `now`:
    /// - status 3 (cancelled) with no cancellation recorded and no cancel pending: a cancellation of the full
    ///   amount;
    /// - status 6 (refunded) with no refund recorded or attempted through this tool: `payment_info` does not say
    ///   how much was refunded, so a refund of amount **0** is recorded with a note saying the amount is unknown
    ///   (refunded outside fiscal-archive). Reports list it as an exception; it never double-counts a refund made
    ///   through `refund`, whose `operation` event carries the exact amount.
    /// The same rules apply when the very first answer already shows 3 or 6.
    public func recordPaymentInfo(_ id: TransactionID, _ info: PaymentSnapshot, now: Int64) async throws(ArchiveError) {
        try await asyncWrite("Cannot record the payment info of transaction \(id)", id: id) { db in
            try Self.recordPaymentInfo(db, id, info, now: now)
        }
    }

    static func recordPaymentInfo(_ db: Database, _ id: TransactionID, _ info: PaymentSnapshot, now: Int64) throws {
        do {
            guard let row = try Row.fetchOne(
                db, sql: "SELECT type, state, step, status, info_at FROM transactions WHERE id = ?",
                arguments: [id.rawValue])
            else { throw ArchiveError(.notFound, "Transaction \(id) is not tracked", transactionID: id) }
            let state = try PipelineState(rawValue: row["state"]).orCorrupt("state", id)
            try Self.applyPaymentInfo(db, id, info, row: row, now: now)
            let waitsForInfo = state == .waiting && (row["step"] as String?) == PipelineStep.paymentInfo.rawValue
            // "Created" (status 0) is not paid yet: the pipeline does not move on, and a waiting job keeps its
            // first waiting time (the deadline counts from it).
            if (state == .tracked || waitsForInfo) && info.status != .created {
                try db.execute(
                    sql: """
                        UPDATE transactions SET state = 'info_fetched', step = NULL, attempts = 0,
                            first_waiting_at = NULL, last_error = NULL, next_attempt_at = ?
                        WHERE id = ?
                        """,
                    arguments: [now, id.rawValue])
            }
        }
    }

    /// Stores a `payment_info` answer without moving the pipeline state: the snapshot, the status history when the
    /// status changed, the single `payment`/`p2p` event on the first answer, and `detected` events. `row` holds the
    /// transaction's `type`, `status` and `info_at` as they were before.
    static func applyPaymentInfo(_ db: Database, _ id: TransactionID, _ info: PaymentSnapshot, row: Row, now: Int64)
        throws
    {
        let type = try TransactionType(rawValue: row["type"]).orCorrupt("type", id)
        let previousStatus: Int? = row["status"]
        let firstInfo = (row["info_at"] as Int64?) == nil
        try db.cachedStatement(sql: """
            UPDATE transactions SET amount = ?, currency = ?, status = ?, paid_at = ?,
                vendor_order_id = COALESCE(?, vendor_order_id), bank_transaction_id = ?, mx_id = ?,
                info_at = COALESCE(info_at, ?), last_recheck_at = CASE WHEN info_at IS NULL THEN NULL ELSE ? END,
                next_recheck_at = CASE WHEN info_at IS NULL THEN ? + \(RecheckSchedule.firstSQL("id"))
                    ELSE next_recheck_at END,
                updated_at = ?
            WHERE id = ?
            """).execute(arguments: [
                info.amount.minorUnits, info.amount.currency.rawValue, info.status.rawValue, info.date,
                info.vendorOrderID, info.bankTransactionID, info.mxID, now, now, now, now, id.rawValue,
            ])
        if previousStatus != info.status.rawValue {
            try appendStatus(db, id, info.status, now)
        }
        if firstInfo {
            let kind: RegisterEntry.Event = type == .p2p ? .p2p : .payment
            try insertEvent(db, kind: kind, id: id, amount: info.amount, occurredAt: info.date, source: .gateway, now: now)
        }
        try detectStatusEvents(db, id, info, now: now)
    }

    /// Writes `detected` cancellation/refund events a status implies and nothing else explains.
    private static func detectStatusEvents(_ db: Database, _ id: TransactionID, _ info: PaymentSnapshot, now: Int64) throws {
        if info.status == .cancelled {
            let explained = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS(SELECT 1 FROM events WHERE transaction_id = ? AND kind = 'cancellation')
                        OR EXISTS(SELECT 1 FROM operations WHERE transaction_id = ? AND kind = 'cancel' AND state = 'pending')
                    """,
                arguments: [id.rawValue, id.rawValue]) ?? false
            if !explained {
                try insertEvent(
                    db, kind: .cancellation, id: id, amount: -info.amount, occurredAt: now, source: .detected, now: now,
                    detectionKey: "status-3", note: "cancellation seen on re-check")
            }
        } else if info.status == .refunded {
            let explained = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS(SELECT 1 FROM events WHERE transaction_id = ? AND kind = 'refund')
                        OR EXISTS(SELECT 1 FROM operations WHERE transaction_id = ? AND kind = 'refund'
                                  AND state <> 'failed')
                    """,
                arguments: [id.rawValue, id.rawValue]) ?? false
            if !explained {
                try insertEvent(
                    db, kind: .refund, id: id, amount: .zero(info.amount.currency), occurredAt: now, source: .detected,
                    now: now, detectionKey: "status-6",
                    note: "refund seen on re-check; amount unknown (refunded outside fiscal-archive)")
            }
        }
    }

    static func appendStatus(_ db: Database, _ id: TransactionID, _ status: PaySysStatus, _ now: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO status_history(transaction_id, status, observed_at) VALUES (?, ?, ?)")
            .execute(arguments: [id.rawValue, status.rawValue, now])
    }

    /// Inserts an event and its chain link (without reading the row back). Returns its sequence number.
    @discardableResult
    static func insertEvent(
        _ db: Database, kind: RegisterEntry.Event, id: TransactionID, amount: Money, occurredAt: Int64,
        source: RegisterEntry.Source, now: Int64, operationID: Int64? = nil, detectionKey: String? = nil,
        note: String? = nil
    ) throws -> Int64 {
        let values: [String: (any DatabaseValueConvertible)?] = [
            "kind": kind.rawValue, "transaction_id": id.rawValue, "amount": amount.minorUnits,
            "currency": amount.currency.rawValue, "occurred_at": occurredAt, "source": source.rawValue,
            "operation_id": operationID, "detection_key": detectionKey, "note": note,
        ]
        try db.cachedStatement(sql: """
            INSERT INTO events(kind, transaction_id, amount, currency, occurred_at, source, operation_id,
                detection_key, note, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                kind.rawValue, id.rawValue, amount.minorUnits, amount.currency.rawValue, occurredAt, source.rawValue,
                operationID, detectionKey, note, now,
            ])
        let seq = db.lastInsertedRowID
        // The payload from the values written: the same function hashes the stored row in `verify`.
        try IntegrityChain.append(db, kind: .event, refID: seq, payloadHash: IntegrityChain.eventPayload(Row(values)))
        return seq
    }

    /// Reads an event row.
    static func event(_ row: Row) throws -> ArchiveEvent {
        let id = TransactionID(row["transaction_id"] as Int64)
        let currency = try Currency(rawValue: row["currency"]).orCorrupt("event currency", id)
        return ArchiveEvent(
            sequence: row["seq"], kind: try RegisterEntry.Event(rawValue: row["kind"]).orCorrupt("event kind", id),
            transactionID: id, amount: Money(minorUnits: row["amount"], currency: currency),
            occurredAt: row["occurred_at"],
            source: try RegisterEntry.Source(rawValue: row["source"]).orCorrupt("event source", id),
            operationID: row["operation_id"], note: row["note"], recordedAt: row["recorded_at"])
    }

    /// Every event of a transaction, in order.
    public func events(of id: TransactionID) async throws(ArchiveError) -> [ArchiveEvent] {
        try await asyncRead("Cannot read the events of transaction \(id)", id: id) { db in
            try Row.fetchAll(db, sql: "SELECT * FROM events WHERE transaction_id = ? ORDER BY seq", arguments: [id.rawValue])
                .map(Self.event)
        }
    }
}
