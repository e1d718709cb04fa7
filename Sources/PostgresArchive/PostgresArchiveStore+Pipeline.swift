import Archive
import FiscalCore
import Foundation
import Logging
import PostgresNIO

/// Tracking, claims, trips and the sync's small writes.
extension PostgresArchiveStore {
    /// States a sync still works on (the rows of the `transactions_pending` index).
    static let pendingStates = "'tracked', 'info_fetched', 'link_fetched', 'page_fetched', 'waiting'"
    /// The key of the transaction-scoped advisory lock that serialises chain appends.
    static let chainLockKey: Int64 = 0x6669_7363_616c_0002

    /// Tracks in four statements whatever the count: new ids inserted (`ON CONFLICT DO NOTHING`, so an id another
    /// process tracks at the same moment counts as known), missing vendor order ids filled in, then every id's type
    /// checked: a known id with another type throws a conflict naming it and the whole call is rolled back.
    public func track(_ requests: [TrackRequest], now: Int64) async throws(ArchiveError) -> TrackSummary {
        guard !requests.isEmpty else { return TrackSummary(added: 0, alreadyKnown: 0) }
        // The first request of an id decides its type; a repeat with another type is a conflict, as in SQLite.
        var firstType: [Int64: TransactionType] = [:]
        var ids: [Int64] = []
        var types: [String] = []
        var orders: [String?] = []
        for request in requests {
            let id = request.id.rawValue
            if let type = firstType[id] {
                guard type == request.type else {
                    throw ArchiveError(
                        .conflict,
                        "Transaction \(request.id) is already tracked as \(type.rawValue), not \(request.type.rawValue)",
                        transactionID: request.id)
                }
                continue
            }
            firstType[id] = request.type
            ids.append(id)
            types.append(request.type.rawValue)
            orders.append(request.vendorOrderID)
        }
        let (distinctIDs, distinctTypes, distinctOrders) = (ids, types, orders)
        let fills = requests.compactMap { request in request.vendorOrderID.map { (request.id.rawValue, $0) } }
        return try await write("Cannot track \(requests.count) transactions") { c in
            let added = try await c.count("""
                INSERT INTO transactions(id, type, vendor_order_id, state, next_attempt_at, tracked_at, updated_at)
                SELECT i, t, o, 'tracked', \(now), \(now), \(now)
                FROM unnest(\(distinctIDs)::bigint[], \(distinctTypes)::text[], \(OptionalTexts(distinctOrders))::text[])
                    AS x(i, t, o)
                ON CONFLICT (id) DO NOTHING
                RETURNING 1
                """)
            if !fills.isEmpty {
                try await c.exec("""
                    UPDATE transactions t SET vendor_order_id = x.o
                    FROM (SELECT DISTINCT ON (i) i, o FROM unnest(\(fills.map(\.0))::bigint[], \(fills.map(\.1))::text[])
                        WITH ORDINALITY AS u(i, o, n) ORDER BY i, n) AS x
                    WHERE t.id = x.i AND t.vendor_order_id IS NULL
                    """)
            }
            for row in try await c.rows("""
                SELECT x.i, t.type FROM unnest(\(distinctIDs)::bigint[]) WITH ORDINALITY AS x(i, n)
                JOIN transactions t ON t.id = x.i
                WHERE t.type <> (\(distinctTypes)::text[])[x.n]
                ORDER BY x.n LIMIT 1
                """)
            {
                let id = TransactionID(try row("i", Int64.self))
                let type = try row("type", String.self)
                throw ArchiveError(
                    .conflict,
                    "Transaction \(id) is already tracked as \(type), not \(firstType[id.rawValue]?.rawValue ?? "?")",
                    transactionID: id)
            }
            return TrackSummary(added: added, alreadyKnown: requests.count - added)
        }
    }

    public func retryFailed(now: Int64) async throws(ArchiveError) -> [FailedTransaction] {
        try await write("Cannot put failed transactions back in the queue") { c in
            try await c.rows("""
                UPDATE transactions SET state = 'tracked', step = NULL, attempts = 0, first_waiting_at = NULL,
                    next_attempt_at = \(now), updated_at = \(now)
                WHERE state = 'failed'
                RETURNING id, last_error
                """
            ).map { FailedTransaction(id: TransactionID(try $0("id", Int64.self)), reason: try $0("last_error")) }
                .sorted { $0.id < $1.id }
        }
    }

    // MARK: - Claims

    public func claimJobs(limit: Int, now: Int64, worker: String, lease: Int64) async throws(ArchiveError)
        -> [PipelineJob]
    {
        guard limit > 0 else { return [] }
        return try await write("Cannot claim jobs for \(worker)") { c in
            try await self.claim(c, limit: limit, now: now, worker: worker, lease: lease)
        }
    }

    /// Selects due rows `FOR UPDATE SKIP LOCKED` (rows another claimer is taking are skipped, not waited for), leases
    /// them under one new token, and decodes them; a row that cannot be decoded is quarantined.
    private func claim(_ c: Conn, limit: Int, now: Int64, worker: String, lease: Int64) async throws -> [PipelineJob] {
        let due = try await c.rows("""
            SELECT id FROM transactions
            WHERE state IN (\(unescaped: Self.pendingStates)) AND next_attempt_at <= \(now)
              AND (lease_until IS NULL OR lease_until <= \(now))
            ORDER BY next_attempt_at, id LIMIT \(limit)
            FOR UPDATE SKIP LOCKED
            """
        ).map { try $0("id", Int64.self) }
        guard !due.isEmpty else { return [] }
        let token = try await c.value("SELECT nextval('lease_tokens')", Int64.self) ?? 0
        let until = now + lease
        let rows = try await c.rows("""
            UPDATE transactions SET lease_owner = \(worker), lease_until = \(until), lease_token = \(token),
                due_at_claim = next_attempt_at, next_attempt_at = \(until)
            WHERE id = ANY(\(due))
            RETURNING *
            """)
        var byID: [Int64: Row] = [:]
        for row in rows { byID[try row("id", Int64.self)] = row }
        let originals = try await c.rows("""
            SELECT o.transaction_id, o.id, o.url, r.id IS NULL AS unparsed FROM originals o
            LEFT JOIN receipts r ON r.original_id = o.id
            WHERE o.transaction_id = ANY(\(due)) ORDER BY o.id
            """)
        var stored: [Int64: [(url: String, id: Int64, unparsed: Bool)]] = [:]
        for row in originals {
            let original: (url: String, id: Int64, unparsed: Bool) = (
                try row("url", String.self), try row("id", Int64.self), try row("unparsed", Bool.self)
            )
            stored[try row("transaction_id", Int64.self), default: []].append(original)
        }
        let links = try await c.rows("""
            SELECT transaction_id, url FROM refund_links WHERE transaction_id = ANY(\(due))
            ORDER BY transaction_id, position
            """)
        var refundURLs: [Int64: [String]] = [:]
        for row in links { refundURLs[try row("transaction_id", Int64.self), default: []].append(try row("url")) }
        var jobs: [PipelineJob] = []
        for id in due {
            guard let row = byID[id] else { continue }
            do {
                jobs.append(try Self.job(row, originals: stored[id] ?? [], refundURLs: refundURLs[id] ?? []))
            } catch {
                let reason = "\(error)"
                try await c.exec("""
                    UPDATE transactions SET state = 'quarantined', last_error = \(reason), lease_owner = NULL,
                        lease_until = NULL, lease_token = NULL, due_at_claim = NULL, updated_at = \(now)
                    WHERE id = \(id)
                    """)
                logger.error(
                    "Quarantined an undecodable pipeline row", metadata: ["transaction.id": "\(id)", "error": "\(reason)"])
            }
        }
        return jobs
    }

    /// Decodes a claimed row into a job.
    static func job(_ row: Row, originals: [(url: String, id: Int64, unparsed: Bool)], refundURLs: [String]) throws
        -> PipelineJob
    {
        let tid = TransactionID(try row("id", Int64.self))
        let stored = try PipelineState(rawValue: try row("state", String.self)).orCorrupt("state", tid)
        let step: PipelineStep
        let state: PipelineState
        if stored == .waiting {
            step = try PipelineStep(rawValue: try row("step", String?.self) ?? "").orCorrupt("step", tid)
            state = Self.state(before: step)
        } else {
            step = try PipelineStep.next(after: stored).orCorrupt("step", tid)
            state = stored
        }
        return PipelineJob(
            id: tid, type: try TransactionType(rawValue: try row("type", String.self)).orCorrupt("type", tid),
            state: state, step: step, attempts: Int(try row("attempts", Int64.self)),
            firstWaitingAt: try row("first_waiting_at"), lastError: try row("last_error"),
            vendorOrderID: try row("vendor_order_id"), payment: try paymentSnapshot(row, tid),
            receiptURL: try row("receipt_url"), refundURLs: refundURLs, storedURLs: originals.map(\.url),
            unparsedOriginalIDs: originals.filter(\.unparsed).map(\.id), worker: try row("lease_owner", String?.self) ?? "",
            leaseUntil: try row("lease_until", Int64?.self) ?? 0, leaseToken: try row("lease_token", Int64?.self) ?? 0)
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

    /// The payment columns of a transaction row, when `payment_info` has answered.
    static func paymentSnapshot(_ row: Row, _ id: TransactionID) throws -> PaymentSnapshot? {
        guard let amount = try row("amount", Int64?.self), let code = try row("currency", String?.self),
            let status = try row("status", Int64?.self), let date = try row("paid_at", Int64?.self)
        else { return nil }
        let currency = try Currency(rawValue: code).orCorrupt("currency", id)
        return PaymentSnapshot(
            amount: Money(minorUnits: amount, currency: currency), status: PaySysStatus(rawValue: Int(status)),
            date: date, vendorOrderID: try row("vendor_order_id"), bankTransactionID: try row("bank_transaction_id"),
            mxID: try row("mx_id"))
    }

    public func nextDueTime() async throws(ArchiveError) -> Int64? {
        try await read("Cannot read the next due time") { c in
            try await c.value("""
                SELECT next_attempt_at FROM transactions
                WHERE state IN (\(unescaped: Self.pendingStates)) ORDER BY next_attempt_at LIMIT 1
                """, Int64.self)
        }
    }

    public func leaseHolders(now: Int64) async throws(ArchiveError) -> [String] {
        try await read("Cannot read the pipeline leases") { c in
            try await c.rows("""
                SELECT DISTINCT lease_owner FROM transactions WHERE lease_owner IS NOT NULL AND lease_until > \(now)
                """
            ).map { try $0("lease_owner", String.self) }
        }
    }

    @discardableResult
    public func releaseLeases(heldBy worker: String) async throws(ArchiveError) -> Int {
        try await write("Cannot release the leases of \(worker)") { c in
            try await c.count("""
                UPDATE transactions SET lease_owner = NULL, lease_until = NULL, lease_token = NULL,
                    next_attempt_at = LEAST(next_attempt_at, COALESCE(due_at_claim, next_attempt_at)), due_at_claim = NULL
                WHERE lease_owner = \(worker)
                RETURNING 1
                """)
        }
    }

    public func claimRechecks(now: Int64, horizon: Int64, limit: Int) async throws(ArchiveError) -> [TransactionID] {
        guard limit > 0 else { return [] }
        return try await write("Cannot claim re-checks") { c in
            try await c.rows("""
                UPDATE transactions SET last_recheck_at = \(now), next_recheck_at = \(unescaped: Self.nextRecheckSQL(now: now, horizon: horizon))
                WHERE id IN (
                    SELECT id FROM transactions
                    WHERE next_recheck_at <= \(now) AND status IN (2, 6)
                      AND (lease_until IS NULL OR lease_until <= \(now))
                    ORDER BY next_recheck_at
                    LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING id
                """
            ).map { try $0("id", Int64.self) }.sorted().map { TransactionID($0) }
        }
    }

    // MARK: - Re-check schedule (RecheckSchedule's rule in PostgreSQL)

    /// The spread offset of `interval` for the id column: in [interval/2, 3·interval/2), drawn from the id by the
    /// same multiplicative hash as SQLite's (computed in `numeric`, so large ids do not overflow).
    static func spreadSQL(_ id: String, interval: Int64) -> String {
        "(\(interval / 2) + ((\(id)::numeric * 2654435761) % \(interval))::bigint)"
    }

    /// The next check after a check at `now` for a payment made at `paid_at`, or NULL past the horizon.
    static func nextRecheckSQL(now: Int64, horizon: Int64) -> String {
        """
        CASE WHEN \(now) - paid_at < \(RecheckSchedule.cancelWindow) THEN \(now) + \(spreadSQL("id", interval: RecheckSchedule.daily))
             WHEN \(now) - paid_at < \(horizon) THEN \(now) + \(spreadSQL("id", interval: RecheckSchedule.weekly))
             ELSE NULL END
        """
    }

    // MARK: - Payment info and links

    public func recordPaymentInfo(_ id: TransactionID, _ info: PaymentSnapshot, now: Int64) async throws(ArchiveError) {
        try await write("Cannot record the payment info of transaction \(id)", id: id) { c in
            try await Self.lockChain(c)
            guard let row = try await c.row("""
                SELECT type, state, step, status, info_at FROM transactions WHERE id = \(id.rawValue) FOR UPDATE
                """)
            else { throw ArchiveError(.notFound, "Transaction \(id) is not tracked", transactionID: id) }
            let state = try PipelineState(rawValue: try row("state", String.self)).orCorrupt("state", id)
            try await Self.applyPaymentInfo(c, id, info, row: row, now: now)
            let step = try row("step", String?.self)
            let waitsForInfo = state == .waiting && step == PipelineStep.paymentInfo.rawValue
            if (state == .tracked || waitsForInfo) && info.status != .created {
                try await c.exec("""
                    UPDATE transactions SET state = 'info_fetched', step = NULL, attempts = 0,
                        first_waiting_at = NULL, last_error = NULL, next_attempt_at = \(now)
                    WHERE id = \(id.rawValue)
                    """)
            }
        }
    }

    public func recordReceiptLink(_ id: TransactionID, url: String, refundURLs: [String], now: Int64)
        async throws(ArchiveError)
    {
        guard !url.isEmpty else {
            throw ArchiveError(.invalid, "Transaction \(id): the receipt link is empty", transactionID: id)
        }
        try await write("Cannot record the receipt link of transaction \(id)", id: id) { c in
            guard let raw = try await c.value(
                "SELECT state FROM transactions WHERE id = \(id.rawValue) FOR UPDATE", String.self)
            else { throw ArchiveError(.notFound, "Transaction \(id) is not tracked", transactionID: id) }
            let state = try PipelineState(rawValue: raw).orCorrupt("state", id)
            let stored = Set(try await c.rows("SELECT url FROM originals WHERE transaction_id = \(id.rawValue)")
                .map { try $0("url", String.self) })
            let allStored = ([url] + refundURLs).allSatisfy { stored.contains($0) }
            let newState = state == .archived && allStored ? PipelineState.archived : .linkFetched
            try await c.exec("""
                UPDATE transactions SET receipt_url = \(url), state = \(newState.rawValue), step = NULL, attempts = 0,
                    first_waiting_at = NULL, last_error = NULL, next_attempt_at = \(now), updated_at = \(now)
                WHERE id = \(id.rawValue)
                """)
            try await Self.storeRefundLinks(c, id, refundURLs)
        }
    }

    /// Replaces a transaction's refund-receipt links (rows of `refund_links`, in order).
    static func storeRefundLinks(_ c: Conn, _ id: TransactionID, _ urls: [String]) async throws {
        try await c.exec("DELETE FROM refund_links WHERE transaction_id = \(id.rawValue)")
        guard !urls.isEmpty else { return }
        let positions = (0..<urls.count).map { Int64($0) }
        try await c.exec("""
            INSERT INTO refund_links(transaction_id, position, url)
            SELECT \(id.rawValue), p, u FROM unnest(\(positions)::bigint[], \(urls)::text[]) AS x(p, u)
            """)
    }

    /// A transaction's refund-receipt links, in order.
    static func refundLinks(_ c: Conn, _ id: TransactionID) async throws -> [String] {
        try await c.rows("SELECT url FROM refund_links WHERE transaction_id = \(id.rawValue) ORDER BY position")
            .map { try $0("url", String.self) }
    }

    // MARK: - The commit of a trip

    @discardableResult
    public func commit(_ trip: PipelineTrip, of id: TransactionID, lease: PipelineLease, now: Int64)
        async throws(ArchiveError) -> PipelineState
    {
        try await write("Cannot record the progress of transaction \(id)", id: id) { c in
            try await Self.commit(c, id, trip, lease: lease, now: now)
        }
    }

    static func commit(_ c: Conn, _ id: TransactionID, _ trip: PipelineTrip, lease: PipelineLease, now: Int64)
        async throws -> PipelineState
    {
        // The chain lock first (every writer that may append takes it first: no lock-order deadlock), then the row.
        try await lockChain(c)
        guard let row = try await c.row("""
            SELECT type, state, step, status, info_at, lease_owner, lease_token FROM transactions
            WHERE id = \(id.rawValue) FOR UPDATE
            """)
        else { throw ArchiveError(.notFound, "Transaction \(id) is not tracked", transactionID: id) }
        let owner = try row("lease_owner", String?.self)
        guard try row("lease_token", Int64?.self) == lease.token, owner == lease.worker else {
            throw ArchiveError(
                .staleLease,
                "Transaction \(id): the lease \(lease) is no longer held (now \(owner ?? "free")); its write is refused",
                transactionID: id)
        }
        let stored = try PipelineState(rawValue: try row("state", String.self)).orCorrupt("state", id)
        let resumeStep = stored == .waiting
            ? PipelineStep(rawValue: try row("step", String?.self) ?? "") : PipelineStep.next(after: stored)
        if let payment = trip.payment {
            try await applyPaymentInfo(c, id, payment, row: row, now: now)
        }
        if let links = trip.links {
            guard !links.url.isEmpty else {
                throw ArchiveError(.invalid, "Transaction \(id): the receipt link is empty", transactionID: id)
            }
            try await c.exec("UPDATE transactions SET receipt_url = \(links.url) WHERE id = \(id.rawValue)")
            try await storeRefundLinks(c, id, links.refundURLs)
        }
        for original in trip.originals {
            let stored = try await insertOriginal(c, id, original, now: now)
            guard let parsed = original.parsed else { continue }
            if stored.inserted {
                // A new original has no receipt yet.
                try await storeReceipt(
                    c, receiptID: nil, transactionID: id, originalID: stored.id, receipt: parsed.receipt,
                    document: parsed.document, warnings: parsed.warnings, now: now)
            } else {
                try await storeParsed(c, id, originalID: stored.id, parsed, now: now)
            }
        }
        for (originalID, parsed) in trip.storedReceipts {
            try await requireOriginal(c, originalID, of: id)
            try await storeParsed(c, id, originalID: originalID, parsed, now: now)
        }
        let endsLease = "lease_owner = NULL, lease_until = NULL, lease_token = NULL, due_at_claim = NULL"
        switch trip.end {
        case .archived:
            let unparsed = try await unparsedOriginals(c, id)
            let state: PipelineState = unparsed == 0 ? .archived : .pageFetched
            try await c.exec("""
                UPDATE transactions SET state = \(state.rawValue), step = NULL, attempts = 0, first_waiting_at = NULL,
                    last_error = NULL, next_attempt_at = \(now), updated_at = \(now), \(unescaped: endsLease)
                WHERE id = \(id.rawValue)
                """)
            return state
        case .waiting(let step, let reason, let nextAttemptAt):
            let sameStep = step == resumeStep
            try await c.exec("""
                UPDATE transactions SET state = 'waiting', step = \(step.rawValue),
                    attempts = CASE WHEN \(sameStep) THEN attempts + 1 ELSE 1 END,
                    first_waiting_at = CASE WHEN \(sameStep) THEN COALESCE(first_waiting_at, \(now)) ELSE \(now) END,
                    last_error = \(reason), next_attempt_at = \(nextAttemptAt), updated_at = \(now), \(unescaped: endsLease)
                WHERE id = \(id.rawValue)
                """)
            return .waiting
        case .failed(let step, let reason):
            try await c.exec("""
                UPDATE transactions SET state = 'failed', step = \(step.rawValue), last_error = \(reason),
                    updated_at = \(now), \(unescaped: endsLease)
                WHERE id = \(id.rawValue)
                """)
            return .failed
        case .released:
            try await c.exec("""
                UPDATE transactions SET next_attempt_at = LEAST(next_attempt_at, COALESCE(due_at_claim, next_attempt_at)),
                    \(unescaped: endsLease)
                WHERE id = \(id.rawValue)
                """)
            return stored
        }
    }

    /// How many of a transaction's originals have no receipt.
    static func unparsedOriginals(_ c: Conn, _ id: TransactionID) async throws -> Int64 {
        try await c.value("""
            SELECT COUNT(*) FROM originals o LEFT JOIN receipts r ON r.original_id = o.id
            WHERE o.transaction_id = \(id.rawValue) AND r.id IS NULL
            """, Int64.self) ?? 0
    }

    /// The owner of a stored original, checked to be `id`.
    static func requireOriginal(_ c: Conn, _ originalID: Int64, of id: TransactionID) async throws {
        guard let owner = try await c.value(
            "SELECT transaction_id FROM originals WHERE id = \(originalID)", Int64.self)
        else { throw ArchiveError(.notFound, "Original \(originalID) is not in the archive", transactionID: id) }
        guard owner == id.rawValue else {
            throw ArchiveError(
                .conflict, "Original \(originalID) belongs to transaction \(owner), not \(id)", transactionID: id)
        }
    }

    /// Stores (or rewrites in place) the receipt of an original.
    static func storeParsed(_ c: Conn, _ id: TransactionID, originalID: Int64, _ parsed: ParsedOriginal, now: Int64)
        async throws
    {
        let existing = try await c.value("SELECT id FROM receipts WHERE original_id = \(originalID)", Int64.self)
        try await storeReceipt(
            c, receiptID: existing, transactionID: id, originalID: originalID, receipt: parsed.receipt,
            document: parsed.document, warnings: parsed.warnings, now: now)
    }

    /// Takes the chain's transaction-scoped advisory lock (released at commit or rollback).
    static func lockChain(_ c: Conn) async throws {
        guard !c.chain.locked else { return }
        try await c.exec("SELECT pg_advisory_xact_lock(\(chainLockKey))")
        c.chain.locked = true
    }
}
