import Archive
import NIOCore
import PostgresNIO

/// Copying rows in and out (`migrate`, see ``ArchiveStore/copy(from:progress:)``).
extension PostgresArchiveStore {
    public func isEmpty() async throws(ArchiveError) -> Bool {
        try await read("Cannot read the archive") { c in
            try await Self.isEmpty(c)
        }
    }

    static func isEmpty(_ c: Conn) async throws -> Bool {
        try await c.value("""
            SELECT NOT EXISTS (SELECT 1 FROM transactions) AND NOT EXISTS (SELECT 1 FROM chain)
                AND NOT EXISTS (SELECT 1 FROM operations) AND NOT EXISTS (SELECT 1 FROM invoices)
                AND NOT EXISTS (SELECT 1 FROM meta)
            """, Bool.self) ?? false
    }

    /// An exported snapshot (as for reports): every page read through it sees the same moment.
    public func rowSnapshot() async throws(ArchiveError) -> any ArchiveRowSource {
        try await snapshot()
    }

    /// The whole copy is one transaction holding the chain lock: it lands whole or not at all, and nothing can
    /// append to the chain meanwhile. Rows go in as multi-row `INSERT`s of a page each, ids as they were; then the
    /// search vectors are computed, the identity and lease-token sequences moved past the copied ids, and the chain
    /// head set to the last link.
    public func importRows(
        from source: any ArchiveRowSource, progress: @escaping @Sendable (ArchiveTable, Int) -> Void
    ) async throws(ArchiveError) -> [String: Int] {
        let counts = try await write("Cannot copy rows into \(location)") { c in
            try await Self.lockChain(c)
            guard try await Self.isEmpty(c) else {
                throw ArchiveError(
                    .refused, "The archive \(location) is not empty: rows are copied into an empty archive only")
            }
            // The counting triggers move one counter row per inserted row; in one transaction every move adds a
            // version of that row, so a million rows made each insert slower than the last (~1 MB/s after a
            // minute). They are off for the copy (only for this transaction's own statements: `ALTER TABLE` locks
            // the tables until it commits) and the counters are set from the copied rows at the end.
            for (table, trigger) in Self.countingTriggers {
                try await c.simple("ALTER TABLE \(table) DISABLE TRIGGER \(trigger)")
            }
            var counts: [String: Int] = [:]
            for table in ArchiveTable.all {
                var copied = 0
                try await source.forEachPage(of: table) { (page) throws(ArchiveError) in
                    do {
                        try await c.exec(Self.insert(page, into: table))
                    } catch {
                        throw Self.mapError(error, "Cannot copy rows into \(table.name)")
                    }
                    copied += page.count
                    progress(table, copied)
                }
                counts[table.name] = copied
            }
            try await Self.rebuildSearch(c)
            for (table, trigger) in Self.countingTriggers {
                try await c.simple("ALTER TABLE \(table) ENABLE TRIGGER \(trigger)")
            }
            try await c.simple("UPDATE archive_counts SET n = 0")
            try await c.simple("""
                INSERT INTO archive_counts(name, n) SELECT 'state:' || state, COUNT(*) FROM transactions GROUP BY state
                ON CONFLICT (name) DO UPDATE SET n = excluded.n
                """)
            for table in ["originals", "receipts", "events"] {
                try await c.simple("UPDATE archive_counts SET n = (SELECT COUNT(*) FROM \(table)) WHERE name = '\(table)'")
            }
            // Statistics for the planner now, not when autovacuum gets to it: a report planned on the empty tables'
            // figures right after a million-event copy chose a plan that had not ended after minutes.
            try await c.simple("ANALYZE")
            for (table, column) in [
                ("status_history", "id"), ("originals", "id"), ("receipts", "id"), ("operations", "id"),
                ("events", "seq"), ("invoices", "id"),
            ] {
                try await c.simple("""
                    SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), GREATEST(MAX(\(column)), 1),
                        MAX(\(column)) IS NOT NULL) FROM \(table)
                    """)
            }
            try await c.simple("""
                SELECT setval('lease_tokens', GREATEST(MAX(lease_token), 1), MAX(lease_token) IS NOT NULL)
                FROM transactions
                """)
            try await c.exec("""
                UPDATE chain_head SET seq = COALESCE((SELECT MAX(seq) FROM chain), 0),
                    hash = COALESCE((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1), \(IntegrityChain.genesis))
                WHERE id = 1
                """)
            return counts
        }
        // Index-only scans (the VAT's month of receipts) skip the heap only on pages the visibility map marks
        // all-visible, which only a VACUUM does: until autovacuum reached the copied tables, every row was a heap
        // visit. The copy has landed either way, so a failure here is only logged.
        do {
            try await client.withConnection { connection in
                try await Conn(connection, logger, trace: traceStatements).simple("VACUUM (ANALYZE)")
            }
        } catch {
            logger.warning("The copied archive was not vacuumed; autovacuum will do it", metadata: [
                "error": "\(Self.mapError(error, "VACUUM"))",
            ])
        }
        return counts
    }

    /// The triggers that keep `archive_counts` (see `PostgresMigrations.countsV1`).
    static let countingTriggers = [
        ("transactions", "transactions_count"), ("originals", "originals_count"), ("receipts", "receipts_count"),
        ("events", "events_count"),
    ]

    /// One multi-row `INSERT` of a page (receipts get an empty search vector, computed once their items are in).
    static func insert(_ page: [[ArchiveCell]], into table: ArchiveTable) -> PostgresQuery {
        let derived: (column: String, value: String) =
            table.name == "receipts" ? (", search", ", ''::tsvector") : ("", "")
        var bindings = PostgresBindings(capacity: page.count * table.columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(page.count)
        var parameter = 0
        for row in page {
            var placeholders: [String] = []
            for cell in row {
                parameter += 1
                placeholders.append("$\(parameter)")
                bindings.append(cell)
            }
            tuples.append("(" + placeholders.joined(separator: ", ") + derived.value + ")")
        }
        let sql = "INSERT INTO \(table.name)(\(table.columnList)\(derived.column)) VALUES "
            + tuples.joined(separator: ", ")
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// Computes every receipt's search vector from its seller, item and MXIK names, as a stored receipt gets it.
    private static func rebuildSearch(_ c: Conn) async throws {
        var after: Int64 = 0
        while true {
            let receipts = try await c.rows(
                "SELECT id, seller_name FROM receipts WHERE id > \(after) ORDER BY id LIMIT 500")
            guard let first = receipts.first, let last = receipts.last else { return }
            let firstID = try first("id", Int64.self)
            let lastID = try last("id", Int64.self)
            var names: [Int64: (items: [String], mxik: [String])] = [:]
            for item in try await c.rows("""
                SELECT receipt_id, name, mxik_name FROM receipt_items
                WHERE receipt_id BETWEEN \(firstID) AND \(lastID) ORDER BY receipt_id, position
                """)
            {
                let receiptID = try item("receipt_id", Int64.self)
                names[receiptID, default: ([], [])].items.append(try item("name", String.self))
                if let mxik = try item("mxik_name", String?.self) {
                    names[receiptID, default: ([], [])].mxik.append(mxik)
                }
            }
            // One statement per page: each vector travels as its text form (`'word' 'word'`, quotes doubled and
            // backslashes escaped as the tsvector syntax wants), which reads back exactly as `array_to_tsvector`
            // of the same words (no positions, sorted, without repeats).
            var ids: [Int64] = []
            var vectors: [String] = []
            for receipt in receipts {
                let id = try receipt("id", Int64.self)
                let search = SearchVector.lexemes(
                    seller: try receipt("seller_name", String.self), items: names[id]?.items ?? [],
                    mxikNames: names[id]?.mxik ?? [])
                ids.append(id)
                vectors.append(search.map { word in
                    "'" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
                }.joined(separator: " "))
            }
            try await c.exec("""
                UPDATE receipts SET search = v.vector::tsvector
                FROM unnest(\(ids)::bigint[], \(vectors)::text[]) AS v(id, vector) WHERE receipts.id = v.id
                """)
            after = lastID
        }
    }
}

extension PostgresRegisterSnapshot: ArchiveRowSource {
    func rows(of table: ArchiveTable, after key: [ArchiveCell]?, limit: Int) async throws(ArchiveError)
        -> [[ArchiveCell]]
    {
        var bindings = PostgresBindings()
        for cell in key ?? [] { bindings.append(cell) }
        let query = PostgresQuery(
            unsafeSQL: table.selectPageSQL(after: key != nil, limit: limit) { "$\($0)" }, binds: bindings)
        return try await store.readAt(snapshotID, "Cannot read \(table.name) to copy it") { c in
            var rows: [[ArchiveCell]] = []
            for row in try await c.rows(query) {
                var cells: [ArchiveCell] = []
                cells.reserveCapacity(table.columns.count)
                for (index, column) in table.columns.enumerated() {
                    let cell = row.row[index]
                    switch column.kind {
                    case .integer: cells.append(try cell.decode(Int64?.self).map(ArchiveCell.integer) ?? .null)
                    case .text: cells.append(try cell.decode(String?.self).map(ArchiveCell.text) ?? .null)
                    case .blob:
                        cells.append(
                            try cell.decode(ByteBuffer?.self).map { .blob(Array($0.readableBytesView)) } ?? .null)
                    }
                }
                rows.append(cells)
            }
            return rows
        }
    }
}

extension PostgresBindings {
    /// Binds a copied cell as the value it holds (a blob as `bytea`).
    mutating func append(_ cell: ArchiveCell) {
        switch cell {
        case .null: appendNull()
        case .integer(let value): append(value)
        case .text(let value): append(value)
        case .blob(let value): append(ByteBuffer(bytes: value))
        }
    }
}
