import Archive
import FiscalCore
import PostgresNIO

/// `verify` and `reparse`.
extension PostgresArchiveStore {
    /// Re-hashes every original and recomputes the whole chain from the rows it covers, with the same checks and
    /// messages as `SQLiteArchiveStore.verify()`. Runs in one `REPEATABLE READ` transaction, the chain in pages of
    /// 1,000 links with their covered rows fetched by id, originals in pages of 100 (memory stays flat). It works
    /// from the data alone, so tampering done with triggers and foreign keys switched off
    /// (`session_replication_role = replica`) is caught as well.
    public func verify() async throws(ArchiveError) -> VerificationReport {
        try await read("Cannot verify the archive") { c in
            var problems: [VerificationReport.Problem] = []
            var previous = IntegrityChain.genesis
            var expectedSeq: Int64 = 1
            var links = 0
            var after: Int64 = 0
            while true {
                let page = try await c.rows("""
                    SELECT seq, kind, ref_id, payload_hash, prev_hash, hash FROM chain WHERE seq > \(after)
                    ORDER BY seq LIMIT 1000
                    """)
                guard !page.isEmpty else { break }
                let covered = try await Self.coveredPayloads(c, page)
                for link in page {
                    links += 1
                    let seq = try link("seq", Int64.self)
                    let kind = try link("kind", String.self)
                    let refID = try link("ref_id", Int64.self)
                    let payload = try link("payload_hash", String.self)
                    let prev = try link("prev_hash", String.self)
                    let hash = try link("hash", String.self)
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
                    if let problem = Self.checkCoveredRow(covered, seq: seq, kind: kind, refID: refID, payload: payload) {
                        problems.append(problem)
                    }
                    previous = hash
                    expectedSeq = seq + 1
                    after = seq
                }
            }
            if let head = try await c.row("SELECT seq, hash FROM chain_head WHERE id = 1") {
                let highest = try head("seq", Int64.self)
                if highest >= expectedSeq {
                    problems.append(.init(
                        kind: .chainBroken, table: "chain", rowID: highest,
                        message: "Chain links \(expectedSeq)…\(highest) were deleted from the end of the chain"))
                }
                if try head("hash", String.self) != previous {
                    problems.append(.init(
                        kind: .chainBroken, table: "chain_head", rowID: 1,
                        message: "The recorded chain head differs from the last link of the chain"))
                }
            }
            // Every covered row has its link (each a seek in chain_ref).
            let coverage: [(table: String, key: String, kind: IntegrityChain.Kind)] = [
                ("originals", "id", .original), ("events", "seq", .event), ("operations", "id", .operation),
            ]
            for (table, key, kind) in coverage {
                for row in try await c.rows("""
                    SELECT x.\(unescaped: key) AS id FROM \(unescaped: table) x
                    WHERE NOT EXISTS(SELECT 1 FROM chain l WHERE l.kind = \(kind.rawValue) AND l.ref_id = x.\(unescaped: key))
                    ORDER BY x.\(unescaped: key)
                    """)
                {
                    let rowID = try row("id", Int64.self)
                    problems.append(.init(
                        kind: .rowUnchained, table: table, rowID: rowID,
                        message: "\(table) row \(rowID) is not covered by the integrity chain (inserted behind the archive's back)"))
                }
            }
            for row in try await c.rows("""
                SELECT x.id FROM operations x WHERE x.state <> 'pending'
                  AND NOT EXISTS(SELECT 1 FROM chain l WHERE l.kind = 'operation_result' AND l.ref_id = x.id)
                ORDER BY x.id
                """)
            {
                let rowID = try row("id", Int64.self)
                problems.append(.init(
                    kind: .rowUnchained, table: "operations", rowID: rowID,
                    message: "operations row \(rowID) is completed but its completion is not in the integrity chain"))
            }
            // Every original's bytes.
            var originals = 0
            var lastOriginal: Int64 = 0
            while true {
                let page = try await c.rows("SELECT * FROM originals WHERE id > \(lastOriginal) ORDER BY id LIMIT 100")
                guard !page.isEmpty else { break }
                for row in page {
                    originals += 1
                    let original = try Self.storedOriginal(row)
                    lastOriginal = original.id
                    if !original.hashMatches {
                        problems.append(.init(
                            kind: .originalAltered, table: "originals", rowID: original.id,
                            message: "Original \(original.id) of transaction \(original.transactionID) (\(original.url)) "
                                + "was altered: its bytes no longer hash to the recorded SHA-256"))
                    }
                }
            }
            return VerificationReport(
                originalsChecked: originals, linksChecked: links, problems: problems, chainHead: previous)
        }
    }

    /// The current payloads of the rows a page of links covers, by kind and id.
    private static func coveredPayloads(_ c: Conn, _ page: [Row]) async throws -> [String: [Int64: String]] {
        var ids: [String: [Int64]] = [:]
        for link in page { ids[try link("kind", String.self), default: []].append(try link("ref_id", Int64.self)) }
        var payloads: [String: [Int64: String]] = [:]
        if let originals = ids[IntegrityChain.Kind.original.rawValue] {
            for row in try await c.rows("""
                SELECT id, sha256, transaction_id, url, http_status, content_type, format, fetched_at, size
                FROM originals WHERE id = ANY(\(originals))
                """)
            {
                payloads[IntegrityChain.Kind.original.rawValue, default: [:]][try row("id")] = IntegrityChain.originalPayload(
                    sha256: try row("sha256"), transactionID: try row("transaction_id"), url: try row("url"),
                    httpStatus: try row("http_status"), contentType: try row("content_type"), format: try row("format"),
                    fetchedAt: try row("fetched_at"), size: try row("size"))
            }
        }
        if let events = ids[IntegrityChain.Kind.event.rawValue] {
            for row in try await c.rows("SELECT * FROM events WHERE seq = ANY(\(events))") {
                payloads[IntegrityChain.Kind.event.rawValue, default: [:]][try row("seq")] = IntegrityChain.eventPayload(
                    kind: try row("kind"), transactionID: try row("transaction_id"), amount: try row("amount"),
                    currency: try row("currency"), occurredAt: try row("occurred_at"), source: try row("source"),
                    operationID: try row("operation_id"), detectionKey: try row("detection_key"), note: try row("note"))
            }
        }
        let operationIDs = (ids[IntegrityChain.Kind.operation.rawValue] ?? [])
            + (ids[IntegrityChain.Kind.operationResult.rawValue] ?? [])
        if !operationIDs.isEmpty {
            for row in try await c.rows("SELECT * FROM operations WHERE id = ANY(\(operationIDs))") {
                let id = try row("id", Int64.self)
                payloads[IntegrityChain.Kind.operation.rawValue, default: [:]][id] = try operationPayload(row)
                payloads[IntegrityChain.Kind.operationResult.rawValue, default: [:]][id] = try operationResultPayload(row)
            }
        }
        return payloads
    }

    /// Compares a link's payload hash with the row it covers now.
    private static func checkCoveredRow(
        _ covered: [String: [Int64: String]], seq: Int64, kind: String, refID: Int64, payload: String
    ) -> VerificationReport.Problem? {
        IntegrityChain.problem(seq: seq, kind: kind, refID: refID, recorded: payload, current: covered[kind]?[refID])
    }

    // MARK: - Reparse

    public func reparse(_ parse: @escaping @Sendable (StoredOriginal) throws -> ParsedOriginal, now: Int64)
        async throws -> ReparseSummary
    {
        var rebuilt = 0
        var changed = 0
        var recovered: [TransactionID] = []
        var failures: [ReparseSummary.Failure] = []
        var after: Int64 = 0
        while true {
            let batch = try await read("Cannot read originals to reparse") { c in
                try await c.rows("""
                    SELECT o.*, r.id AS receipt_id, r.document FROM originals o
                    LEFT JOIN receipts r ON r.original_id = o.id
                    WHERE o.id > \(after) ORDER BY o.id LIMIT 200
                    """
                ).map { row in
                    (original: try Self.storedOriginal(row), receiptID: try row("receipt_id", Int64?.self),
                     document: try row("document", String?.self))
                }
            }
            guard let last = batch.last else { break }
            after = last.original.id
            var updates: [(receiptID: Int64?, original: StoredOriginal, parsed: ParsedOriginal)] = []
            for item in batch {
                do {
                    guard item.original.hashMatches else {
                        throw ArchiveError(.corrupt, "the original's bytes do not match its SHA-256")
                    }
                    let parsed = try parse(item.original)
                    if item.receiptID != nil, parsed.document != item.document { changed += 1 }
                    updates.append((item.receiptID, item.original, parsed))
                } catch {
                    failures.append(.init(
                        originalID: item.original.id, transactionID: item.original.transactionID, reason: "\(error)"))
                }
            }
            let pending = updates
            let requeued = try await write("Cannot store reparsed receipts") { c -> [TransactionID] in
                var requeued: [TransactionID] = []
                for update in pending {
                    let id = update.original.transactionID
                    var archivedAt = now
                    if let receiptID = update.receiptID,
                        let stored = try await c.value("SELECT archived_at FROM receipts WHERE id = \(receiptID)", Int64.self)
                    {
                        archivedAt = stored
                    }
                    try await Self.storeReceipt(
                        c, receiptID: update.receiptID, transactionID: id, originalID: update.original.id,
                        receipt: update.parsed.receipt, document: update.parsed.document,
                        warnings: update.parsed.warnings, now: archivedAt)
                    guard update.receiptID == nil else { continue }
                    try await c.exec("""
                        UPDATE transactions SET state = 'tracked', step = NULL, attempts = 0, first_waiting_at = NULL,
                            next_attempt_at = \(now), updated_at = \(now)
                        WHERE id = \(id.rawValue) AND state = 'failed'
                        """)
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
