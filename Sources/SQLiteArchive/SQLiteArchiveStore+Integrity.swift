import Archive
import FiscalCore
import Foundation
import GRDB

extension SQLiteArchiveStore {
    /// Re-hashes every original and recomputes the whole integrity chain from the rows it covers.
    ///
    /// Reports, precisely: an original whose bytes no longer match its SHA-256 (an edited byte in the compressed
    /// data), a covered row whose fields differ from its link (an edited amount), a link whose row is gone (a
    /// deleted row), a covered row without a link, and links that do not follow from their predecessor (an edited
    /// or truncated chain). It works from the data alone, so it catches tampering even when the append-only
    /// triggers were dropped first. Runs on one read snapshot.
    public func verify() async throws(ArchiveError) -> VerificationReport {
        try await asyncRead("Cannot verify the archive") { db in
            var problems: [VerificationReport.Problem] = []
            var chained: [String: Set<Int64>] = [:]
            var previous = IntegrityChain.genesis
            var expectedSeq: Int64 = 1
            var links = 0
            let chain = try Row.fetchCursor(db, sql: "SELECT * FROM chain ORDER BY seq")
            while let link = try chain.next() {
                links += 1
                let seq: Int64 = link["seq"]
                let kind: String = link["kind"]
                let refID: Int64 = link["ref_id"]
                let payload: String = link["payload_hash"]
                let prev: String = link["prev_hash"]
                let hash: String = link["hash"]
                if seq != expectedSeq {
                    problems.append(.init(
                        kind: .chainBroken, table: "chain", rowID: seq,
                        message: "Chain links \(expectedSeq)…\(seq - 1) are missing before link \(seq)"))
                }
                if prev != previous {
                    problems.append(.init(
                        kind: .chainBroken, table: "chain", rowID: seq,
                        message: "Chain link \(seq) does not follow from the link before it (previous hash differs)"))
                }
                if IntegrityChain.linkHash(prev: prev, kind: kind, refID: refID, payloadHash: payload) != hash {
                    problems.append(.init(
                        kind: .chainBroken, table: "chain", rowID: seq,
                        message: "Chain link \(seq) (\(kind) \(refID)) was edited: its hash does not match its content"))
                }
                chained[kind, default: []].insert(refID)
                if let problem = try Self.checkCoveredRow(db, seq: seq, kind: kind, refID: refID, payload: payload) {
                    problems.append(problem)
                }
                previous = hash
                expectedSeq = seq + 1
            }
            if let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'chain'"),
                highest >= expectedSeq
            {
                problems.append(.init(
                    kind: .chainBroken, table: "chain", rowID: highest,
                    message: "Chain links \(expectedSeq)…\(highest) were deleted from the end of the chain"))
            }
            // The kept head is the last link (an append that bypassed the archive moves one and not the other).
            if let head = try String.fetchOne(db, sql: "SELECT hash FROM chain_head WHERE id = 1"), head != previous {
                problems.append(.init(
                    kind: .chainBroken, table: "chain_head", rowID: 1,
                    message: "The recorded chain head differs from the last link of the chain"))
            }
            // Every covered row has its link.
            let coverage: [(table: String, key: String, kind: IntegrityChain.Kind)] = [
                ("originals", "id", .original), ("events", "seq", .event), ("operations", "id", .operation),
            ]
            for (table, key, kind) in coverage {
                let ids = try Int64.fetchCursor(db, sql: "SELECT \(key) FROM \(table) ORDER BY \(key)")
                let known = chained[kind.rawValue] ?? []
                while let rowID = try ids.next() {
                    guard !known.contains(rowID) else { continue }
                    problems.append(.init(
                        kind: .rowUnchained, table: table, rowID: rowID,
                        message: "\(table) row \(rowID) is not covered by the integrity chain (inserted behind the archive's back)"))
                }
            }
            let completed = try Int64.fetchAll(db, sql: "SELECT id FROM operations WHERE state <> 'pending'")
            let results = chained[IntegrityChain.Kind.operationResult.rawValue] ?? []
            for rowID in completed where !results.contains(rowID) {
                problems.append(.init(
                    kind: .rowUnchained, table: "operations", rowID: rowID,
                    message: "operations row \(rowID) is completed but its completion is not in the integrity chain"))
            }
            // Every original's bytes.
            var originals = 0
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM originals ORDER BY id")
            while let row = try rows.next() {
                originals += 1
                let original = try Self.storedOriginal(row)
                if !original.hashMatches {
                    problems.append(.init(
                        kind: .originalAltered, table: "originals", rowID: original.id,
                        message: "Original \(original.id) of transaction \(original.transactionID) (\(original.url)) "
                            + "was altered: its bytes no longer hash to the recorded SHA-256"))
                }
            }
            return VerificationReport(
                originalsChecked: originals, linksChecked: links, problems: problems, chainHead: previous)
        }
    }

    /// Compares a link's payload hash with the row it covers now.
    private static func checkCoveredRow(
        _ db: Database, seq: Int64, kind: String, refID: Int64, payload: String
    ) throws -> VerificationReport.Problem? {
        let current: String?
        switch IntegrityChain.Kind(rawValue: kind) {
        case .original:
            current = try Row.fetchOne(db, sql: "SELECT * FROM originals WHERE id = ?", arguments: [refID])
                .map(IntegrityChain.originalPayload)
        case .event:
            current = try Row.fetchOne(db, sql: "SELECT * FROM events WHERE seq = ?", arguments: [refID])
                .map(IntegrityChain.eventPayload)
        case .operation:
            current = try Row.fetchOne(db, sql: "SELECT * FROM operations WHERE id = ?", arguments: [refID])
                .map(IntegrityChain.operationPayload)
        case .operationResult:
            current = try Row.fetchOne(db, sql: "SELECT * FROM operations WHERE id = ?", arguments: [refID])
                .map(IntegrityChain.operationResultPayload)
        case nil:
            current = nil
        }
        return IntegrityChain.problem(seq: seq, kind: kind, refID: refID, recorded: payload, current: current)
    }

    /// Rebuilds receipts, items, full-text rows and parser warnings from the stored originals with `parse` (e.g.
    /// after a parser fix), in batches of 200 originals per write transaction.
    ///
    /// - An original with a receipt is parsed again; the receipt keeps its id, its warnings are recomputed. If it
    ///   fails to parse now, it keeps its previous receipt and is listed in the summary.
    /// - An original that never parsed (its transaction failed on it) is tried again; when it parses now, its
    ///   receipt is stored and a `failed` transaction goes back into the queue, so the next sync finishes it.
    /// Originals and the chain are untouched; exceptions are recomputed by every report from the receipts.
    public func reparse(_ parse: @escaping @Sendable (StoredOriginal) throws -> ParsedOriginal, now: Int64)
        async throws -> ReparseSummary
    {
        var rebuilt = 0
        var changed = 0
        var recovered: [TransactionID] = []
        var failures: [ReparseSummary.Failure] = []
        var after: Int64 = 0
        while true {
            let start = after
            let batch = try await asyncRead("Cannot read originals to reparse") { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT o.*, r.id AS receipt_id, r.document FROM originals o
                        LEFT JOIN receipts r ON r.original_id = o.id
                        WHERE o.id > ? ORDER BY o.id LIMIT 200
                        """,
                    arguments: [start]
                ).map { row in
                    (original: try Self.storedOriginal(row), receiptID: row["receipt_id"] as Int64?,
                     document: row["document"] as String?)
                }
            }
            guard let last = batch.last else { break }
            after = last.original.id
            var updates: [(receiptID: Int64?, original: StoredOriginal, parsed: ParsedOriginal)] = []
            for row in batch {
                let original = row.original
                do {
                    guard original.hashMatches else {
                        throw ArchiveError(.corrupt, "the original's bytes do not match its SHA-256")
                    }
                    let parsed = try parse(original)
                    let receiptID = row.receiptID
                    if receiptID != nil, parsed.document != row.document { changed += 1 }
                    updates.append((receiptID, original, parsed))
                } catch {
                    failures.append(.init(
                        originalID: original.id, transactionID: original.transactionID, reason: "\(error)"))
                }
            }
            let pending = updates
            let requeued = try await asyncWrite("Cannot store reparsed receipts") { db -> [TransactionID] in
                var requeued: [TransactionID] = []
                for update in pending {
                    let id = update.original.transactionID
                    let archivedAt = try update.receiptID.flatMap {
                        try Int64.fetchOne(db, sql: "SELECT archived_at FROM receipts WHERE id = ?", arguments: [$0])
                    } ?? now
                    try Self.storeReceipt(
                        db, receiptID: update.receiptID, transactionID: id, originalID: update.original.id,
                        receipt: update.parsed.receipt, document: update.parsed.document,
                        warnings: update.parsed.warnings, now: archivedAt)
                    guard update.receiptID == nil else { continue }
                    try db.execute(
                        sql: """
                            UPDATE transactions SET state = 'tracked', step = NULL, attempts = 0, first_waiting_at = NULL,
                                next_attempt_at = ?, updated_at = ?
                            WHERE id = ? AND state = 'failed'
                            """,
                        arguments: [now, now, id.rawValue])
                    requeued.append(id)
                }
                return requeued
            }
            rebuilt += pending.count
            recovered += requeued
        }
        return ReparseSummary(rebuilt: rebuilt, changed: changed, failures: failures, recovered: recovered)
    }
}
