import Archive
import FiscalCore
import Foundation
import GRDB
import Logging

/// The sync's own path: batch claims and one commit per trip, through GRDB's async access so that no database wait
/// blocks a thread of Swift's cooperative pool. Every method here is intent-named and takes and returns only
/// backend-neutral models (``PipelineJob``, ``PipelineLease``, ``PipelineTrip``), so that it can become a storage
/// protocol with other backends.
extension SQLiteArchiveStore {
    /// Claims up to `limit` due jobs for `worker` as ``claimDueJobs(limit:now:worker:lease:)`` does (one
    /// `BEGIN IMMEDIATE` transaction, one fencing token for the batch, undecodable rows quarantined).
    public func claimJobs(limit: Int, now: Int64, worker: String, lease: Int64) async throws(ArchiveError)
        -> [PipelineJob]
    {
        guard limit > 0 else { return [] }
        let logger = self.logger
        return try await asyncWrite("Cannot claim jobs for \(worker)") { db in
            try Self.claim(db, limit: limit, now: now, worker: worker, lease: lease, logger: logger)
        }
    }

    /// Commits one trip of a job in one transaction: the payment snapshot (status history, the payment event and
    /// any detected event), the receipt links, each original with its chain link, each receipt with its items and
    /// full-text row, and the job's new state, which `trip.end` decides. Returns that state.
    ///
    /// Fenced: the write happens only while `lease` is still the job's lease; otherwise it throws
    /// ``ArchiveError/Code/staleLease`` and nothing is written. Every ending but `.archived` with originals left to
    /// parse ends the lease. Waiting counts an attempt; the first waiting time is kept while the job waits at the
    /// same step and restarts when the trip got further.
    ///
    /// Trips committed at the same moment by several workers share one SQLite transaction, each in a savepoint of
    /// its own (``TripCommitQueue``): this returns once that transaction has committed.
    @discardableResult
    public func commit(_ trip: PipelineTrip, of id: TransactionID, lease: PipelineLease, now: Int64)
        async throws(ArchiveError) -> PipelineState
    {
        let result = await withCheckedContinuation { reply in
            let request = TripCommitQueue.Request(id: id, trip: trip, lease: lease, now: now, reply: reply)
            if trips.enqueue(request) {
                Task { await self.drainTrips() }
            }
        }
        return try result.get()
    }

    /// Writes waiting trips, a batch per transaction, until none are waiting; then answers each trip's caller.
    private func drainTrips() async {
        @Sendable func failure(_ error: any Error, _ request: TripCommitQueue.Request)
            -> Result<PipelineState, ArchiveError>
        {
            .failure(Self.mapError(error, "Cannot record the progress of transaction \(request.id)", id: request.id))
        }
        while let batch = trips.nextBatch() {
            let results: [Result<PipelineState, ArchiveError>]
            do {
                results = try await pool.write { db in
                    var results: [Result<PipelineState, ArchiveError>] = []
                    results.reserveCapacity(batch.count)
                    for request in batch {
                        var state = PipelineState.tracked
                        do {
                            try db.inSavepoint {
                                state = try Self.commit(db, request.id, request.trip, lease: request.lease, now: request.now)
                                return .commit
                            }
                            results.append(.success(state))
                        } catch {
                            // An error that ended the whole transaction (SQLite rolls back on some I/O and
                            // memory errors) fails every trip of it: none of them is written.
                            guard db.isInsideTransaction else { throw error }
                            results.append(failure(error, request))
                        }
                    }
                    return results
                }
            } catch {
                results = batch.map { failure(error, $0) }
            }
            for (request, result) in zip(batch, results) {
                request.reply.resume(returning: result)
            }
        }
    }

    /// Claims re-checks as ``dueRechecks(now:horizon:limit:)`` does, without blocking the cooperative pool.
    public func claimRechecks(now: Int64, horizon: Int64 = RecheckSchedule.defaultHorizon, limit: Int)
        async throws(ArchiveError) -> [TransactionID]
    {
        guard limit > 0 else { return [] }
        return try await asyncWrite("Cannot claim re-checks") { db in
            try Self.claimRechecks(db, now: now, horizon: horizon, limit: limit)
        }
    }

    // MARK: - The commit

    static func commit(_ db: Database, _ id: TransactionID, _ trip: PipelineTrip, lease: PipelineLease, now: Int64)
        throws -> PipelineState
    {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT type, state, step, status, info_at, lease_owner, lease_token FROM transactions WHERE id = ?
                """),
            arguments: [id.rawValue])
        else { throw ArchiveError(.notFound, "Transaction \(id) is not tracked", transactionID: id) }
        let owner: String? = row["lease_owner"]
        guard (row["lease_token"] as Int64?) == lease.token, owner == lease.worker else {
            throw ArchiveError(
                .staleLease,
                "Transaction \(id): the lease \(lease) is no longer held (now \(owner ?? "free")); its write is refused",
                transactionID: id)
        }
        let stored = try PipelineState(rawValue: row["state"]).orCorrupt("state", id)
        let resumeStep = stored == .waiting
            ? PipelineStep(rawValue: row["step"] ?? "") : PipelineStep.next(after: stored)
        if let payment = trip.payment {
            try applyPaymentInfo(db, id, payment, row: row, now: now)
        }
        if let links = trip.links {
            guard !links.url.isEmpty else {
                throw ArchiveError(.invalid, "Transaction \(id): the receipt link is empty", transactionID: id)
            }
            try db.cachedStatement(sql: "UPDATE transactions SET receipt_url = ? WHERE id = ?")
                .execute(arguments: [links.url, id.rawValue])
            try storeRefundLinks(db, id, links.refundURLs)
        }
        for original in trip.originals {
            let originalID = try insertOriginal(db, id, original, now: now)
            if let parsed = original.parsed {
                try storeParsed(db, id, originalID: originalID, parsed, now: now)
            }
        }
        for (originalID, parsed) in trip.storedReceipts {
            try requireOriginal(db, originalID, of: id)
            try storeParsed(db, id, originalID: originalID, parsed, now: now)
        }
        let endsLease = "lease_owner = NULL, lease_until = NULL, lease_token = NULL, due_at_claim = NULL"
        switch trip.end {
        case .archived:
            let unparsed = try Int.fetchOne(
                db.cachedStatement(sql: """
                    SELECT COUNT(*) FROM originals o LEFT JOIN receipts r ON r.original_id = o.id
                    WHERE o.transaction_id = ? AND r.id IS NULL
                    """),
                arguments: [id.rawValue]) ?? 0
            let state: PipelineState = unparsed == 0 ? .archived : .pageFetched
            try db.cachedStatement(sql: """
                UPDATE transactions SET state = ?, step = NULL, attempts = 0, first_waiting_at = NULL,
                    last_error = NULL, next_attempt_at = ?, updated_at = ?, \(endsLease)
                WHERE id = ?
                """).execute(arguments: [state.rawValue, now, now, id.rawValue])
            return state
        case .waiting(let step, let reason, let nextAttemptAt):
            let sameStep = step == resumeStep
            try db.cachedStatement(sql: """
                UPDATE transactions SET state = 'waiting', step = ?,
                    attempts = CASE WHEN ? THEN attempts + 1 ELSE 1 END,
                    first_waiting_at = CASE WHEN ? THEN COALESCE(first_waiting_at, ?) ELSE ? END,
                    last_error = ?, next_attempt_at = ?, updated_at = ?, \(endsLease)
                WHERE id = ?
                """).execute(arguments: [
                    step.rawValue, sameStep, sameStep, now, now, reason, nextAttemptAt, now, id.rawValue,
                ])
            return .waiting
        case .failed(let step, let reason):
            try db.cachedStatement(sql: """
                UPDATE transactions SET state = 'failed', step = ?, last_error = ?, updated_at = ?, \(endsLease)
                WHERE id = ?
                """).execute(arguments: [step.rawValue, reason, now, id.rawValue])
            return .failed
        case .released:
            try db.cachedStatement(sql: """
                UPDATE transactions SET next_attempt_at = MIN(next_attempt_at, COALESCE(due_at_claim, next_attempt_at)), \(endsLease)
                WHERE id = ?
                """).execute(arguments: [id.rawValue])
            return stored
        }
    }

    /// Stores (or rewrites in place) the receipt of an original.
    private static func storeParsed(
        _ db: Database, _ id: TransactionID, originalID: Int64, _ parsed: ParsedOriginal, now: Int64
    ) throws {
        let existing = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM receipts WHERE original_id = ?"), arguments: [originalID])
        try storeReceipt(
            db, receiptID: existing, transactionID: id, originalID: originalID, receipt: parsed.receipt,
            document: parsed.document, warnings: parsed.warnings, now: now)
    }
}
