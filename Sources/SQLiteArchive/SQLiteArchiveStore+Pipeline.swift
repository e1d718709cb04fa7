import Archive
import FiscalCore
import Foundation
import GRDB
import Logging

extension SQLiteArchiveStore {

    /// Starts tracking transaction ids.
    ///
    /// All-or-nothing in one transaction: already-known ids are counted, not duplicated (a vendor order id the
    /// archive lacked is filled in); a known id with a different type throws an error naming it and nothing is
    /// written.
    public func track(_ requests: [TrackRequest], now: Int64) async throws(ArchiveError) -> TrackSummary {
        try await asyncWrite("Cannot track \(requests.count) transactions") { db in
            var added = 0
            var known = 0
            let select = try db.cachedStatement(sql: "SELECT type FROM transactions WHERE id = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO transactions(id, type, vendor_order_id, state, next_attempt_at, tracked_at, updated_at)
                VALUES (?, ?, ?, 'tracked', ?, ?, ?)
                """)
            let fillOrder = try db.cachedStatement(sql: """
                UPDATE transactions SET vendor_order_id = ? WHERE id = ? AND vendor_order_id IS NULL
                """)
            for request in requests {
                if let type = try String.fetchOne(select, arguments: [request.id.rawValue]) {
                    guard type == request.type.rawValue else {
                        throw ArchiveError(
                            .conflict,
                            "Transaction \(request.id) is already tracked as \(type), not \(request.type.rawValue)",
                            transactionID: request.id)
                    }
                    if let order = request.vendorOrderID {
                        try fillOrder.execute(arguments: [order, request.id.rawValue])
                    }
                    known += 1
                } else {
                    try insert.execute(arguments: [
                        request.id.rawValue, request.type.rawValue, request.vendorOrderID, now, now, now,
                    ])
                    added += 1
                }
            }
            return TrackSummary(added: added, alreadyKnown: known)
        }
    }

    /// States a sync still works on (the rows of the `transactions_pending` index).
    static let pendingStates = "'tracked', 'info_fetched', 'link_fetched', 'page_fetched', 'waiting'"

    /// The claim of ``claimDueJobs(limit:now:worker:lease:)`` inside the caller's immediate transaction.
    static func claim(
        _ db: Database, limit: Int, now: Int64, worker: String, lease: Int64, logger: Logger?
    ) throws -> [PipelineJob] {
        let due = try Int64.fetchAll(
            db.cachedStatement(sql: """
                SELECT id FROM transactions INDEXED BY transactions_pending
                WHERE state IN (\(pendingStates)) AND next_attempt_at <= :now
                  AND (lease_until IS NULL OR lease_until <= :now)
                ORDER BY next_attempt_at, id LIMIT :limit
                """),
            arguments: ["now": now, "limit": limit])
        guard !due.isEmpty else { return [] }
        let token = try Int64.fetchOne(
            db.cachedStatement(sql: "UPDATE lease_sequence SET value = value + 1 WHERE id = 1 RETURNING value")) ?? 0
        let update = try db.cachedStatement(sql: """
            UPDATE transactions SET lease_owner = ?, lease_until = ?, lease_token = ?, due_at_claim = next_attempt_at,
                next_attempt_at = ?
            WHERE id = ?
            RETURNING *
            """)
        var jobs: [PipelineJob] = []
        for id in due {
            guard let row = try Row.fetchOne(update, arguments: [worker, now + lease, token, now + lease, id]) else {
                continue
            }
            do {
                jobs.append(try Self.job(db, row))
            } catch {
                let reason = "\(error)"
                try db.cachedStatement(sql: """
                    UPDATE transactions SET state = 'quarantined', last_error = ?, lease_owner = NULL,
                        lease_until = NULL, lease_token = NULL, due_at_claim = NULL, updated_at = ?
                    WHERE id = ?
                    """).execute(arguments: [reason, now, id])
                logger?.error(
                    "Quarantined an undecodable pipeline row", metadata: ["transaction.id": "\(id)", "error": "\(reason)"])
            }
        }
        return jobs
    }

    /// The earliest time something becomes due: a waiting job's `next_attempt_at`, or the end of a lease (a
    /// crashed worker's). `nil` when nothing is pending. One seek: a claim moves `next_attempt_at` to its lease's
    /// end.
    public func nextDueTime() async throws(ArchiveError) -> Int64? {
        try await asyncRead("Cannot read the next due time") { db in
            try Int64.fetchOne(db, sql: """
                SELECT next_attempt_at FROM transactions INDEXED BY transactions_pending
                WHERE state IN (\(Self.pendingStates)) ORDER BY next_attempt_at LIMIT 1
                """)
        }
    }

    /// Records the receipt links `get_fiscal_cheque` returned, and moves the job to `link_fetched` (or keeps an
    /// archived transaction archived when every link is already stored). Keeps the lease.
    public func recordReceiptLink(_ id: TransactionID, url: String, refundURLs: [String], now: Int64)
        async throws(ArchiveError)
    {
        guard !url.isEmpty else {
            throw ArchiveError(.invalid, "Transaction \(id): the receipt link is empty", transactionID: id)
        }
        try await asyncWrite("Cannot record the receipt link of transaction \(id)", id: id) { db in
            let state = try Self.requireState(db, id)
            let stored = Set(try String.fetchAll(
                db, sql: "SELECT url FROM originals WHERE transaction_id = ?", arguments: [id.rawValue]))
            let urls = [url] + refundURLs
            let allStored = urls.allSatisfy { stored.contains($0) }
            let newState = state == .archived && allStored ? PipelineState.archived : .linkFetched
            try db.execute(
                sql: """
                    UPDATE transactions SET receipt_url = ?, state = ?, step = NULL, attempts = 0,
                        first_waiting_at = NULL, last_error = NULL, next_attempt_at = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [url, newState.rawValue, now, now, id.rawValue])
            try Self.storeRefundLinks(db, id, refundURLs)
        }
    }

    /// The re-check claim: seeks the due ones by `next_recheck_at`, so its cost follows the due re-checks, not the
    /// archive.
    static func claimRechecks(_ db: Database, now: Int64, horizon: Int64, limit: Int) throws -> [TransactionID] {
        try Int64.fetchAll(
            db,
            sql: """
                UPDATE transactions SET last_recheck_at = :now, next_recheck_at = \(RecheckSchedule.nextSQL)
                WHERE id IN (
                    SELECT id FROM transactions INDEXED BY transactions_recheck_due
                    WHERE next_recheck_at <= :now AND status IN (2, 6)
                      AND (lease_until IS NULL OR lease_until <= :now)
                    ORDER BY next_recheck_at
                    LIMIT :limit)
                RETURNING id
                """,
            arguments: ["now": now, "horizon": horizon, "limit": limit]
        ).sorted().map { TransactionID($0) }
    }

    /// How many re-checks are due at `now`.
    static func rechecksDue(_ db: Database, now: Int64) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM transactions INDEXED BY transactions_recheck_due
                WHERE next_recheck_at <= ? AND status IN (2, 6)
                """,
            arguments: [now]) ?? 0
    }

    /// Puts every failed transaction back into the queue (`sync --retry-failed`), due at once with its attempts
    /// reset; returns them with the reason they had failed with, for the user to see.
    public func retryFailed(now: Int64) async throws(ArchiveError) -> [FailedTransaction] {
        try await asyncWrite("Cannot put failed transactions back in the queue") { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE transactions SET state = 'tracked', step = NULL, attempts = 0, first_waiting_at = NULL,
                        next_attempt_at = :now, updated_at = :now
                    WHERE id IN (SELECT id FROM transactions INDEXED BY transactions_failed WHERE state = 'failed')
                    RETURNING id, last_error
                    """,
                arguments: ["now": now]
            ).map { FailedTransaction(id: TransactionID($0["id"] as Int64), reason: $0["last_error"]) }.sorted { $0.id < $1.id }
        }
    }

    // MARK: - Helpers

    /// The state of a transaction, or a not-found error naming it.
    static func requireState(_ db: Database, _ id: TransactionID) throws -> PipelineState {
        guard let raw = try String.fetchOne(db, sql: "SELECT state FROM transactions WHERE id = ?", arguments: [id.rawValue])
        else { throw ArchiveError(.notFound, "Transaction \(id) is not tracked", transactionID: id) }
        guard let state = PipelineState(rawValue: raw) else {
            throw ArchiveError(.corrupt, "Transaction \(id) has an unknown state \(raw)", transactionID: id)
        }
        return state
    }

    /// Decodes a claimed row into a job, with its stored originals (one seek on the transaction's originals).
    static func job(_ db: Database, _ row: Row) throws -> PipelineJob {
        let id: Int64 = row["id"]
        let tid = TransactionID(id)
        let stored = try PipelineState(rawValue: row["state"] ?? "").orCorrupt("state", tid)
        let step: PipelineStep
        let state: PipelineState
        if stored == .waiting {
            step = try PipelineStep(rawValue: row["step"] ?? "").orCorrupt("step", tid)
            state = Self.state(before: step)
        } else {
            step = try PipelineStep.next(after: stored).orCorrupt("step", tid)
            state = stored
        }
        var urls: [String] = []
        var unparsed: [Int64] = []
        let originals = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT o.id, o.url, r.id IS NULL AS unparsed FROM originals o
                LEFT JOIN receipts r ON r.original_id = o.id
                WHERE o.transaction_id = ? ORDER BY o.id
                """),
            arguments: [id])
        for original in originals {
            urls.append(original["url"])
            if original["unparsed"] as Bool { unparsed.append(original["id"]) }
        }
        return PipelineJob(
            id: tid, type: try TransactionType(rawValue: row["type"] ?? "").orCorrupt("type", tid), state: state,
            step: step, attempts: row["attempts"], firstWaitingAt: row["first_waiting_at"], lastError: row["last_error"],
            vendorOrderID: row["vendor_order_id"], payment: try paymentSnapshot(row, tid), receiptURL: row["receipt_url"],
            refundURLs: try refundLinks(db, tid), storedURLs: urls,
            unparsedOriginalIDs: unparsed, worker: row["lease_owner"] ?? "", leaseUntil: row["lease_until"] ?? 0,
            leaseToken: row["lease_token"] ?? 0)
    }

    /// The state a job resumes in when its waiting `step` is due.
    static func state(before step: PipelineStep) -> PipelineState {
        switch step {
        case .paymentInfo: .tracked
        case .receiptLink: .infoFetched
        case .fetchReceipt: .linkFetched
        case .parseReceipt: .pageFetched
        }
    }

    /// The payment info columns of a transaction row, when `payment_info` has answered.
    static func paymentSnapshot(_ row: Row, _ id: TransactionID) throws -> PaymentSnapshot? {
        guard let amount: Int64 = row["amount"], let currencyCode: String = row["currency"],
            let status: Int = row["status"], let date: Int64 = row["paid_at"]
        else { return nil }
        let currency = try Currency(rawValue: currencyCode).orCorrupt("currency", id)
        return PaymentSnapshot(
            amount: Money(minorUnits: amount, currency: currency), status: PaySysStatus(rawValue: status), date: date,
            vendorOrderID: row["vendor_order_id"], bankTransactionID: row["bank_transaction_id"], mxID: row["mx_id"])
    }

    /// Replaces a transaction's refund-receipt links (rows of `refund_links`, in order).
    static func storeRefundLinks(_ db: Database, _ id: TransactionID, _ urls: [String]) throws {
        try db.cachedStatement(sql: "DELETE FROM refund_links WHERE transaction_id = ?").execute(arguments: [id.rawValue])
        for (position, url) in urls.enumerated() {
            try db.cachedStatement(sql: "INSERT INTO refund_links(transaction_id, position, url) VALUES (?, ?, ?)")
                .execute(arguments: [id.rawValue, position, url])
        }
    }

    /// A transaction's refund-receipt links, in order.
    static func refundLinks(_ db: Database, _ id: TransactionID) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT url FROM refund_links WHERE transaction_id = ? ORDER BY position"),
            arguments: [id.rawValue])
    }

    /// Replaces a receipt's parser warnings (rows of `receipt_warnings`, in order).
    static func storeWarnings(_ db: Database, receiptID: Int64, _ warnings: [String]) throws {
        try db.cachedStatement(sql: "DELETE FROM receipt_warnings WHERE receipt_id = ?").execute(arguments: [receiptID])
        for (position, text) in warnings.enumerated() {
            try db.cachedStatement(sql: "INSERT INTO receipt_warnings(receipt_id, position, text) VALUES (?, ?, ?)")
                .execute(arguments: [receiptID, position, text])
        }
    }

    /// A receipt's parser warnings, in order.
    static func warnings(_ db: Database, receiptID: Int64) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT text FROM receipt_warnings WHERE receipt_id = ? ORDER BY position"),
            arguments: [receiptID])
    }
}
