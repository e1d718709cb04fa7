import Archive
import FiscalCore
import PostgresNIO

/// Money operations and invoices.
extension PostgresArchiveStore {
    public func operationContext(for intent: OperationIntent, now: Int64) async throws(ArchiveError) -> OperationContext {
        try await read("Cannot read transaction \(intent.transactionID)", id: intent.transactionID) { c in
            try await Self.operationContext(c, intent, now: now, lock: false)
        }
    }

    /// Records an intent after `check` accepted the context, in one transaction that first locks the transaction's
    /// row (`FOR UPDATE`): a second process beginning an operation on the same transaction waits until the first
    /// commits, then reads (and checks) the state including the first one's pending intent.
    public func beginOperation(
        _ intent: OperationIntent, now: Int64, check: @escaping @Sendable (OperationContext) throws -> Void
    ) async throws -> OperationRecord {
        let id = intent.transactionID
        if case .refund(let amount) = intent.kind, amount.minorUnits <= 0 {
            throw ArchiveError(.invalid, "A refund of transaction \(id) must be positive, not \(amount)", transactionID: id)
        }
        do {
            return try await transaction("BEGIN ISOLATION LEVEL READ COMMITTED") { c in
                try await Self.lockChain(c)
                let context = try await Self.operationContext(c, intent, now: now, lock: true)
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
                guard let row = try await c.row("""
                    INSERT INTO operations(transaction_id, kind, amount, currency, "user", note, created_at,
                        status_before, refund_links_before)
                    VALUES (\(id.rawValue), \(kind.rawValue), \(amount?.minorUnits), \(amount?.currency.rawValue),
                        \(intent.user), \(intent.note), \(now), \(intent.statusBefore.map { Int64($0.rawValue) }),
                        \(intent.refundLinksBefore.map { Int64($0) }))
                    RETURNING *
                    """)
                else { throw ArchiveError(.database, "The operation on transaction \(id) was not stored") }
                let operation = try Self.operation(row)
                try await Self.appendChain(
                    c, kind: .operation, refID: operation.id, payloadHash: Self.operationPayload(row))
                return operation
            }
        } catch let error as ArchiveError {
            throw error
        } catch let error as PSQLError {
            throw Self.mapError(error, "Cannot record the operation on transaction \(id)", id: id)
        }
    }

    public func completeOperation(_ id: Int64, outcome: OperationOutcome, now: Int64) async throws(ArchiveError) {
        try await write("Cannot complete operation \(id)") { c in
            try await Self.lockChain(c)
            guard let row = try await c.row("SELECT * FROM operations WHERE id = \(id) FOR UPDATE") else {
                throw ArchiveError(.notFound, "Operation \(id) is not in the archive")
            }
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
                try await c.exec("""
                    UPDATE operations SET reason = \(reason), cause = COALESCE(cause, \(reason)),
                        next_check_at = \(nextCheckAt), checks = checks + 1
                    WHERE id = \(id)
                    """)
                return
            case .failed(let reason):
                try await c.exec("""
                    UPDATE operations SET state = 'failed', completed_at = \(now), reason = \(reason) WHERE id = \(id)
                    """)
            case .succeeded(let status, let mxID):
                try await c.exec("""
                    UPDATE operations SET state = 'succeeded', completed_at = \(now),
                        result_status = \(Int64(status.rawValue)), mx_id = \(mxID), reason = NULL
                    WHERE id = \(id)
                    """)
                let previous = try await c.value(
                    "SELECT status FROM transactions WHERE id = \(tid.rawValue) FOR UPDATE", Int64.self)
                if previous != Int64(status.rawValue) {
                    try await c.exec("""
                        UPDATE transactions SET status = \(Int64(status.rawValue)), updated_at = \(now)
                        WHERE id = \(tid.rawValue)
                        """)
                    try await Self.appendStatus(c, tid, status, now)
                }
                try await Self.addOperationEvent(c, operation, now: now)
            }
            guard let completed = try await c.row("SELECT * FROM operations WHERE id = \(id)") else {
                throw ArchiveError(.notFound, "Operation \(id) is not in the archive")
            }
            try await Self.appendChain(
                c, kind: .operationResult, refID: id, payloadHash: Self.operationResultPayload(completed))
        }
    }

    private static func addOperationEvent(_ c: Conn, _ operation: OperationRecord, now: Int64) async throws {
        let tid = operation.transactionID
        switch operation.kind {
        case .refund:
            guard let amount = operation.amount else { return }
            try await insertEvent(
                c, kind: .refund, id: tid, amount: -amount, occurredAt: now, source: .operation, now: now,
                operationID: operation.id)
        case .cancel:
            let exists = try await c.value("""
                SELECT EXISTS(SELECT 1 FROM events WHERE transaction_id = \(tid.rawValue) AND kind = 'cancellation')
                """, Bool.self) ?? false
            guard !exists else { return }
            let amount: Money
            if let known = operation.amount {
                amount = known
            } else {
                let row = try await c.row("SELECT amount, currency FROM transactions WHERE id = \(tid.rawValue)")
                guard let minor = try row?("amount", Int64?.self), let code = try row?("currency", String?.self),
                    let currency = Currency(rawValue: code)
                else { return }
                amount = Money(minorUnits: minor, currency: currency)
            }
            try await insertEvent(
                c, kind: .cancellation, id: tid, amount: -amount, occurredAt: now, source: .operation, now: now,
                operationID: operation.id)
        }
    }

    public func pendingOperations(dueBy: Int64?) async throws(ArchiveError) -> [OperationRecord] {
        try await read("Cannot read pending operations") { c in
            if let dueBy {
                return try await c.rows("""
                    SELECT * FROM operations WHERE state = 'pending' AND (next_check_at IS NULL OR next_check_at <= \(dueBy))
                    ORDER BY id
                    """
                ).map(Self.operation)
            }
            return try await c.rows("SELECT * FROM operations WHERE state = 'pending' ORDER BY id").map(Self.operation)
        }
    }

    public func operations(limit: Int) async throws(ArchiveError) -> [OperationRecord] {
        try await read("Cannot read the operations log") { c in
            try await c.rows("SELECT * FROM operations ORDER BY id DESC LIMIT \(Int64(max(0, limit)))").map(Self.operation)
        }
    }

    public func operation(_ id: Int64) async throws(ArchiveError) -> OperationRecord? {
        try await read("Cannot read operation \(id)") { c in
            try await c.row("SELECT * FROM operations WHERE id = \(id)").map(Self.operation)
        }
    }

    public func statusBefore(operation: OperationRecord) async throws(ArchiveError) -> PaymentSnapshot? {
        let tid = operation.transactionID
        return try await read("Cannot read transaction \(tid)", id: tid) { c in
            guard let row = try await c.row("SELECT * FROM transactions WHERE id = \(tid.rawValue)"),
                var snapshot = try Self.paymentSnapshot(row, tid)
            else { return nil }
            if let status = try await c.value("""
                SELECT status FROM status_history WHERE transaction_id = \(tid.rawValue)
                    AND observed_at <= \(operation.createdAt)
                ORDER BY observed_at DESC, id DESC LIMIT 1
                """, Int64.self)
            {
                snapshot.status = PaySysStatus(rawValue: Int(status))
            }
            return snapshot
        }
    }

    public func recordInvoice(_ invoice: InvoiceRecord, now: Int64) async throws(ArchiveError) {
        try await write("Cannot store invoice \(invoice.invoiceID)") { c in
            try await c.exec("""
                INSERT INTO invoices(invoice_id, order_id, vendor_id, amount, currency, note, status, payment_url,
                    gateway_date, "user", created_at)
                VALUES (\(invoice.invoiceID), \(invoice.orderID), \(invoice.vendorID), \(invoice.amount.minorUnits),
                    \(invoice.amount.currency.rawValue), \(invoice.note), \(Int64(invoice.status)), \(invoice.paymentURL),
                    \(invoice.gatewayDate), \(invoice.user), \(now))
                ON CONFLICT (invoice_id) DO UPDATE SET status = excluded.status, payment_url = excluded.payment_url
                """)
        }
    }

    public func invoices() async throws(ArchiveError) -> [InvoiceRecord] {
        try await read("Cannot read invoices") { c in
            try await c.rows("SELECT * FROM invoices ORDER BY id DESC").map { row in
                let currency = try Currency(rawValue: try row("currency", String.self)).orCorrupt("invoice currency", nil)
                return InvoiceRecord(
                    invoiceID: try row("invoice_id"), orderID: try row("order_id"), vendorID: try row("vendor_id"),
                    amount: Money(minorUnits: try row("amount"), currency: currency), note: try row("note"),
                    status: Int(try row("status", Int64.self)), paymentURL: try row("payment_url"),
                    gatewayDate: try row("gateway_date"), user: try row("user"), createdAt: try row("created_at"))
            }
        }
    }

    // MARK: - Helpers

    /// The context of an intent; with `lock`, the transaction's row is locked first (`FOR UPDATE`).
    static func operationContext(_ c: Conn, _ intent: OperationIntent, now: Int64, lock: Bool) async throws
        -> OperationContext
    {
        let id = intent.transactionID.rawValue
        let select: PostgresQuery = lock
            ? "SELECT * FROM transactions WHERE id = \(id) FOR UPDATE" : "SELECT * FROM transactions WHERE id = \(id)"
        guard let row = try await c.row(select) else {
            return OperationContext(
                intent: intent, isTracked: false, type: nil, payment: nil, refundedSoFar: nil, pendingRefunds: nil,
                cancellationDone: false, cancellationPending: false, now: now)
        }
        let payment = try paymentSnapshot(row, intent.transactionID)
        let currency = payment?.amount.currency
        let refunded = try await c.value("""
            SELECT -COALESCE(SUM(amount), 0)::bigint FROM events WHERE transaction_id = \(id) AND kind = 'refund'
            """, Int64.self) ?? 0
        let pending = try await c.value("""
            SELECT COALESCE(SUM(amount), 0)::bigint FROM operations
            WHERE transaction_id = \(id) AND kind = 'refund' AND state = 'pending'
            """, Int64.self) ?? 0
        let cancelled = try await c.value("""
            SELECT EXISTS(SELECT 1 FROM events WHERE transaction_id = \(id) AND kind = 'cancellation')
            """, Bool.self) ?? false
        let pendingOperations = try await c.rows("""
            SELECT * FROM operations WHERE transaction_id = \(id) AND state = 'pending' ORDER BY id
            """
        ).map(operation)
        let receipt = try await c.row("""
            SELECT total, currency FROM receipts WHERE transaction_id = \(id) AND kind <> 'refund' ORDER BY id LIMIT 1
            """)
        var receiptTotal: Money?
        if let receipt, let code = try receipt("currency", String?.self), let receiptCurrency = Currency(rawValue: code) {
            receiptTotal = Money(minorUnits: try receipt("total"), currency: receiptCurrency)
        }
        return OperationContext(
            intent: intent, isTracked: true, type: TransactionType(rawValue: try row("type", String.self)),
            payment: payment, refundedSoFar: currency.map { Money(minorUnits: refunded, currency: $0) },
            pendingRefunds: currency.map { Money(minorUnits: pending, currency: $0) }, cancellationDone: cancelled,
            cancellationPending: pendingOperations.contains { $0.kind == .cancel }, pendingOperations: pendingOperations,
            receiptTotal: receiptTotal, now: now)
    }

    static func operation(_ row: Row) throws -> OperationRecord {
        let tid = TransactionID(try row("transaction_id", Int64.self))
        let currency = (try row("currency", String?.self)).flatMap(Currency.init(rawValue:))
        let amount = try row("amount", Int64?.self)
        return OperationRecord(
            id: try row("id"), transactionID: tid,
            kind: try OperationRecord.Kind(rawValue: try row("kind", String.self)).orCorrupt("operation kind", tid),
            amount: amount.flatMap { minor in currency.map { Money(minorUnits: minor, currency: $0) } },
            user: try row("user"), note: try row("note"), createdAt: try row("created_at"),
            state: try OperationRecord.State(rawValue: try row("state", String.self)).orCorrupt("operation state", tid),
            completedAt: try row("completed_at"),
            resultStatus: (try row("result_status", Int64?.self)).map { PaySysStatus(rawValue: Int($0)) },
            mxID: try row("mx_id"), reason: try row("reason"), nextCheckAt: try row("next_check_at"),
            checks: Int(try row("checks", Int64.self)),
            statusBefore: (try row("status_before", Int64?.self)).map { PaySysStatus(rawValue: Int($0)) },
            refundLinksBefore: (try row("refund_links_before", Int64?.self)).map { Int($0) }, cause: try row("cause"))
    }

    /// The chain payload of an operation row as first recorded.
    static func operationPayload(_ row: Row) throws -> String {
        IntegrityChain.operationPayload(
            transactionID: try row("transaction_id"), kind: try row("kind"), amount: try row("amount"),
            currency: try row("currency"), user: try row("user"), note: try row("note"), createdAt: try row("created_at"))
    }

    /// The chain payload of an operation's completion.
    static func operationResultPayload(_ row: Row) throws -> String {
        IntegrityChain.operationResultPayload(
            state: try row("state"), completedAt: try row("completed_at"), resultStatus: try row("result_status"),
            mxID: try row("mx_id"), reason: try row("reason"))
    }
}
