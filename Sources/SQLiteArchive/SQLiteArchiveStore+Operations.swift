import Archive
import FiscalCore
import GRDB

extension SQLiteArchiveStore {
    /// Records a money-moving intent as `pending`, but only if `check` accepts it — all in ONE write transaction.
    ///
    /// The transaction is `BEGIN IMMEDIATE`: it holds SQLite's write lock from its first read, so intents on one
    /// archive are serialised across threads and processes. It loads the ``OperationContext`` (payment info, refunds
    /// recorded so far, refund intents still pending, cancellation done or pending), runs `check`, and when `check`
    /// returns, inserts the intent (who, when, what, amount) and extends the integrity chain. When `check` throws,
    /// nothing is written and its error is rethrown unchanged. Two processes racing for the last remaining amount:
    /// the second one's `check` sees the first one's pending intent, so exactly one passes.
    ///
    /// `check` runs while the archive is locked for writing: keep it fast and do not call the archive from it.
    /// After `check` passes, a transaction that is not tracked throws ``ArchiveError/Code/notFound``.
    public func beginOperation(
        _ intent: OperationIntent, now: Int64, check: @escaping @Sendable (OperationContext) throws -> Void
    ) async throws -> OperationRecord {
        let id = intent.transactionID
        if case .refund(let amount) = intent.kind, amount.minorUnits <= 0 {
            throw ArchiveError(.invalid, "A refund of transaction \(id) must be positive, not \(amount)", transactionID: id)
        }
        do {
            return try await pool.write { db in
                let context = try Self.operationContext(db, intent, now: now)
                try check(context)
                guard context.isTracked else {
                    throw ArchiveError(.notFound, "Transaction \(id) is not tracked", transactionID: id)
                }
                let kind: OperationRecord.Kind
                let amount: Money?
                switch intent.kind {
                case .refund(let money):
                    kind = .refund
                    amount = money
                case .cancel:
                    kind = .cancel
                    amount = context.payment?.amount
                }
                try db.execute(
                    sql: """
                        INSERT INTO operations(transaction_id, kind, amount, currency, user, note, created_at,
                            status_before, refund_links_before)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        id.rawValue, kind.rawValue, amount?.minorUnits, amount?.currency.rawValue, intent.user,
                        intent.note, now, intent.statusBefore?.rawValue, intent.refundLinksBefore,
                    ])
                let operationID = db.lastInsertedRowID
                let row = try Self.operationRow(db, operationID)
                try IntegrityChain.append(
                    db, kind: .operation, refID: operationID, payloadHash: IntegrityChain.operationPayload(row))
                return try Self.operation(row)
            }
        } catch let error as DatabaseError {
            throw Self.mapError(error, "Cannot record the operation on transaction \(id)", id: id)
        }
    }

    /// Records how an operation ended.
    ///
    /// - `.succeeded`: the operation is completed (new status, `mx_id`), the transaction's status is updated (so a
    ///   re-check does not report it again), and its `refund`/`cancellation` event (source `operation`, at `now`)
    ///   is added exactly once (a cancellation already recorded, e.g. detected, is not duplicated).
    /// - `.failed`: completed as failed with the reason; no event.
    /// - `.unknown`: stays `pending` with the reason noted (the first one is kept as its `cause`), one more check
    ///   counted and the next one scheduled; the settle checks (`operations resolve`, `sync`, `run`) decide it later.
    ///
    /// Completing an operation again with the same final state is a no-op; with another state, an error.
    public func completeOperation(_ id: Int64, outcome: OperationOutcome, now: Int64) async throws(ArchiveError) {
        try await asyncWrite("Cannot complete operation \(id)") { db in
            let row = try Self.operationRow(db, id)
            let operation = try Self.operation(row)
            let tid = operation.transactionID
            let target: OperationRecord.State? = switch outcome {
            case .succeeded: .succeeded
            case .failed: .failed
            case .unknown: nil
            }
            guard operation.state == .pending else {
                if operation.state == target { return }
                throw ArchiveError(
                    .conflict, "Operation \(id) on transaction \(tid) is already \(operation.state.rawValue)",
                    transactionID: tid)
            }
            switch outcome {
            case .unknown(let reason, let nextCheckAt):
                try db.execute(
                    sql: """
                        UPDATE operations SET reason = ?, cause = COALESCE(cause, ?), next_check_at = ?,
                            checks = checks + 1
                        WHERE id = ?
                        """,
                    arguments: [reason, reason, nextCheckAt, id])
                return
            case .failed(let reason):
                try db.execute(
                    sql: "UPDATE operations SET state = 'failed', completed_at = ?, reason = ? WHERE id = ?",
                    arguments: [now, reason, id])
            case .succeeded(let status, let mxID):
                try db.execute(
                    sql: """
                        UPDATE operations SET state = 'succeeded', completed_at = ?, result_status = ?, mx_id = ?,
                            reason = NULL
                        WHERE id = ?
                        """,
                    arguments: [now, status.rawValue, mxID, id])
                let previous = try Int.fetchOne(
                    db, sql: "SELECT status FROM transactions WHERE id = ?", arguments: [tid.rawValue])
                if previous != status.rawValue {
                    try db.execute(
                        sql: "UPDATE transactions SET status = ?, updated_at = ? WHERE id = ?",
                        arguments: [status.rawValue, now, tid.rawValue])
                    try Self.appendStatus(db, tid, status, now)
                }
                try Self.addOperationEvent(db, operation, now: now)
            }
            let completed = try Self.operationRow(db, id)
            try IntegrityChain.append(
                db, kind: .operationResult, refID: id, payloadHash: IntegrityChain.operationResultPayload(completed))
        }
    }

    private static func addOperationEvent(_ db: Database, _ operation: OperationRecord, now: Int64) throws {
        let tid = operation.transactionID
        switch operation.kind {
        case .refund:
            guard let amount = operation.amount else { return }
            try insertEvent(
                db, kind: .refund, id: tid, amount: -amount, occurredAt: now, source: .operation, now: now,
                operationID: operation.id)
        case .cancel:
            let exists = try Bool.fetchOne(
                db, sql: "SELECT EXISTS(SELECT 1 FROM events WHERE transaction_id = ? AND kind = 'cancellation')",
                arguments: [tid.rawValue]) ?? false
            guard !exists else { return }
            let amount: Money
            if let known = operation.amount {
                amount = known
            } else {
                let row = try Row.fetchOne(
                    db, sql: "SELECT amount, currency FROM transactions WHERE id = ?", arguments: [tid.rawValue])
                guard let minor: Int64 = row?["amount"], let code: String = row?["currency"],
                    let currency = Currency(rawValue: code)
                else { return }
                amount = Money(minorUnits: minor, currency: currency)
            }
            try insertEvent(
                db, kind: .cancellation, id: tid, amount: -amount, occurredAt: now, source: .operation, now: now,
                operationID: operation.id)
        }
    }

    /// Operations still pending (their outcome unknown), oldest first; with `dueBy`, only those whose next
    /// settle check is due by then (or was never scheduled).
    public func pendingOperations(dueBy: Int64? = nil) async throws(ArchiveError) -> [OperationRecord] {
        try await asyncRead("Cannot read pending operations") { db in
            if let dueBy {
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM operations WHERE state = 'pending' AND (next_check_at IS NULL OR next_check_at <= ?)
                        ORDER BY id
                        """,
                    arguments: [dueBy]
                ).map(Self.operation)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM operations WHERE state = 'pending' ORDER BY id").map(Self.operation)
        }
    }

    /// The operations log, newest first.
    public func operations(limit: Int) async throws(ArchiveError) -> [OperationRecord] {
        try await asyncRead("Cannot read the operations log") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM operations ORDER BY id DESC LIMIT ?", arguments: [max(0, limit)])
                .map(Self.operation)
        }
    }

    /// One operation by id, or `nil`.
    public func operation(_ id: Int64) async throws(ArchiveError) -> OperationRecord? {
        try await asyncRead("Cannot read operation \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM operations WHERE id = ?", arguments: [id]).map(Self.operation)
        }
    }

    /// Stores an invoice created through `invoice_create` (an invoice with the same PaySys id is updated).
    public func recordInvoice(_ invoice: InvoiceRecord, now: Int64) async throws(ArchiveError) {
        try await asyncWrite("Cannot store invoice \(invoice.invoiceID)") { db in
            try db.execute(
                sql: """
                    INSERT INTO invoices(invoice_id, order_id, vendor_id, amount, currency, note, status, payment_url,
                        gateway_date, user, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(invoice_id) DO UPDATE SET status = excluded.status, payment_url = excluded.payment_url
                    """,
                arguments: [
                    invoice.invoiceID, invoice.orderID, invoice.vendorID, invoice.amount.minorUnits,
                    invoice.amount.currency.rawValue, invoice.note, invoice.status, invoice.paymentURL,
                    invoice.gatewayDate, invoice.user, now,
                ])
        }
    }

    /// Stored invoices, newest first.
    public func invoices() async throws(ArchiveError) -> [InvoiceRecord] {
        try await asyncRead("Cannot read invoices") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM invoices ORDER BY id DESC").map { row in
                let currency = try Currency(rawValue: row["currency"]).orCorrupt("invoice currency", nil)
                return InvoiceRecord(
                    invoiceID: row["invoice_id"], orderID: row["order_id"], vendorID: row["vendor_id"],
                    amount: Money(minorUnits: row["amount"], currency: currency), note: row["note"],
                    status: row["status"], paymentURL: row["payment_url"], gatewayDate: row["gateway_date"],
                    user: row["user"], createdAt: row["created_at"])
            }
        }
    }

    // MARK: - Helpers

    static func operationContext(_ db: Database, _ intent: OperationIntent, now: Int64) throws
        -> OperationContext
    {
        let id = intent.transactionID.rawValue
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM transactions WHERE id = ?", arguments: [id]) else {
            return OperationContext(
                intent: intent, isTracked: false, type: nil, payment: nil, refundedSoFar: nil, pendingRefunds: nil,
                cancellationDone: false, cancellationPending: false, now: now)
        }
        let payment = try paymentSnapshot(row, intent.transactionID)
        let currency = payment?.amount.currency
        let refunded = try Int64.fetchOne(
            db, sql: "SELECT -COALESCE(SUM(amount), 0) FROM events WHERE transaction_id = ? AND kind = 'refund'",
            arguments: [id]) ?? 0
        let pending = try Int64.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(amount), 0) FROM operations
                WHERE transaction_id = ? AND kind = 'refund' AND state = 'pending'
                """,
            arguments: [id]) ?? 0
        let cancelled = try Bool.fetchOne(
            db, sql: "SELECT EXISTS(SELECT 1 FROM events WHERE transaction_id = ? AND kind = 'cancellation')",
            arguments: [id]) ?? false
        let pendingOperations = try Row.fetchAll(
            db, sql: "SELECT * FROM operations WHERE transaction_id = ? AND state = 'pending' ORDER BY id",
            arguments: [id]
        ).map(operation)
        let receipt = try Row.fetchOne(
            db,
            sql: """
                SELECT total, currency FROM receipts WHERE transaction_id = ? AND kind <> 'refund' ORDER BY id LIMIT 1
                """,
            arguments: [id])
        let receiptTotal = receipt.flatMap { row -> Money? in
            guard let code: String = row["currency"], let currency = Currency(rawValue: code) else { return nil }
            return Money(minorUnits: row["total"], currency: currency)
        }
        return OperationContext(
            intent: intent, isTracked: true, type: TransactionType(rawValue: row["type"]), payment: payment,
            refundedSoFar: currency.map { Money(minorUnits: refunded, currency: $0) },
            pendingRefunds: currency.map { Money(minorUnits: pending, currency: $0) }, cancellationDone: cancelled,
            cancellationPending: pendingOperations.contains { $0.kind == .cancel }, pendingOperations: pendingOperations,
            receiptTotal: receiptTotal, now: now)
    }

    static func operationRow(_ db: Database, _ id: Int64) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM operations WHERE id = ?", arguments: [id]) else {
            throw ArchiveError(.notFound, "Operation \(id) is not in the archive")
        }
        return row
    }

    static func operation(_ row: Row) throws -> OperationRecord {
        let tid = TransactionID(row["transaction_id"] as Int64)
        let currency = (row["currency"] as String?).flatMap(Currency.init(rawValue:))
        return OperationRecord(
            id: row["id"], transactionID: tid,
            kind: try OperationRecord.Kind(rawValue: row["kind"]).orCorrupt("operation kind", tid),
            amount: both(row["amount"] as Int64?, currency).map { Money(minorUnits: $0, currency: $1) },
            user: row["user"], note: row["note"], createdAt: row["created_at"],
            state: try OperationRecord.State(rawValue: row["state"]).orCorrupt("operation state", tid),
            completedAt: row["completed_at"], resultStatus: (row["result_status"] as Int?).map(PaySysStatus.init(rawValue:)),
            mxID: row["mx_id"], reason: row["reason"], nextCheckAt: row["next_check_at"], checks: row["checks"],
            statusBefore: (row["status_before"] as Int?).map(PaySysStatus.init(rawValue:)),
            refundLinksBefore: row["refund_links_before"], cause: row["cause"])
    }
}
