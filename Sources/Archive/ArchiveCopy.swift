/// Copying a whole archive between backends, row for row (`fiscal-archive migrate --to URL`).
///
/// Both backends hold the same tables with the same columns (PostgreSQL's schema is SQLite's, typed for the server),
/// so a copy is a neutral stream of rows: every table in an order that puts parents before children, every row with
/// its own ids, the integrity chain in its own order. What each backend derives from the rows (the search index,
/// id sequences, the chain head, the counters `status` reads) the target rebuilds after the copy. The copy is then
/// checked, not trusted: the target must pass `verify` and end at the source's chain head, and its counters must
/// equal the rows copied.

/// One value of a copied row.
public enum ArchiveCell: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

/// A table as `migrate` copies it: the same columns, in this order, in both backends.
public struct ArchiveTable: Sendable, Hashable, CustomStringConvertible {
    /// What a column holds.
    public enum Kind: Sendable, Hashable {
        case integer, text, blob
    }

    /// A column and what it holds.
    public struct Column: Sendable, Hashable {
        public let name: String
        public let kind: Kind
    }

    public let name: String
    public let columns: [Column]
    /// The columns of the primary key: pages are read in key order, each after the last key read.
    public let key: [String]
    /// Rows per page (small for originals, whose rows carry whole pages).
    public let pageSize: Int

    public var description: String { name }

    /// Positions of the key columns in ``columns``.
    public var keyIndexes: [Int] {
        key.map { name in columns.firstIndex(where: { $0.name == name })! }
    }

    package init(_ name: String, key: [String] = ["id"], pageSize: Int = 1_000, _ columns: [(String, Kind)]) {
        self.name = name
        self.key = key
        self.pageSize = pageSize
        self.columns = columns.map { Column(name: $0.0, kind: $0.1) }
    }

    /// Every table holding data, parents before children (foreign keys hold at every step). The chain head, the
    /// search index, the counters and the lease-token sequence are derived and rebuilt by the target.
    public static let all: [ArchiveTable] = [
        ArchiveTable("meta", key: ["key"], [("key", .text), ("value", .text)]),
        ArchiveTable("transactions", [
            ("id", .integer), ("type", .text), ("vendor_order_id", .text), ("state", .text), ("step", .text),
            ("attempts", .integer), ("next_attempt_at", .integer), ("first_waiting_at", .integer),
            ("last_error", .text), ("lease_owner", .text), ("lease_until", .integer), ("lease_token", .integer),
            ("due_at_claim", .integer), ("tracked_at", .integer), ("updated_at", .integer), ("amount", .integer),
            ("currency", .text), ("status", .integer), ("paid_at", .integer), ("bank_transaction_id", .text),
            ("mx_id", .text), ("info_at", .integer), ("last_recheck_at", .integer), ("next_recheck_at", .integer),
            ("receipt_url", .text),
        ]),
        ArchiveTable("refund_links", key: ["transaction_id", "position"], [
            ("transaction_id", .integer), ("position", .integer), ("url", .text),
        ]),
        ArchiveTable("status_history", [
            ("id", .integer), ("transaction_id", .integer), ("status", .integer), ("observed_at", .integer),
        ]),
        ArchiveTable("originals", pageSize: 100, [
            ("id", .integer), ("transaction_id", .integer), ("url", .text), ("http_status", .integer),
            ("content_type", .text), ("fetched_at", .integer), ("format", .text), ("sha256", .text),
            ("size", .integer), ("data", .blob), ("stored_at", .integer),
        ]),
        ArchiveTable("receipts", [
            ("id", .integer), ("transaction_id", .integer), ("original_id", .integer), ("kind", .text),
            ("source", .text), ("terminal_id", .text), ("receipt_number", .text), ("fiscal_sign", .text),
            ("issued_at", .integer), ("seller_name", .text), ("seller_tin", .text), ("commissioner_tin", .text),
            ("total", .integer), ("vat_total", .integer), ("currency", .text), ("document", .text),
            ("archived_at", .integer),
        ]),
        ArchiveTable("receipt_warnings", key: ["receipt_id", "position"], [
            ("receipt_id", .integer), ("position", .integer), ("text", .text),
        ]),
        ArchiveTable("receipt_items", key: ["receipt_id", "position"], [
            ("receipt_id", .integer), ("position", .integer), ("name", .text), ("quantity", .text),
            ("line_total", .integer), ("discount", .integer), ("other", .integer), ("vat_rate", .text),
            ("vat_amount", .integer), ("barcode", .text), ("mxik_code", .text), ("mxik_name", .text),
            ("unit", .text), ("marking_code", .text), ("commissioner_tin", .text),
        ]),
        ArchiveTable("operations", [
            ("id", .integer), ("transaction_id", .integer), ("kind", .text), ("amount", .integer),
            ("currency", .text), ("user", .text), ("note", .text), ("created_at", .integer), ("state", .text),
            ("completed_at", .integer), ("result_status", .integer), ("mx_id", .text), ("reason", .text),
            ("next_check_at", .integer), ("checks", .integer), ("status_before", .integer),
            ("refund_links_before", .integer), ("cause", .text),
        ]),
        ArchiveTable("events", key: ["seq"], [
            ("seq", .integer), ("kind", .text), ("transaction_id", .integer), ("amount", .integer),
            ("currency", .text), ("occurred_at", .integer), ("source", .text), ("operation_id", .integer),
            ("detection_key", .text), ("note", .text), ("recorded_at", .integer),
        ]),
        ArchiveTable("invoices", [
            ("id", .integer), ("invoice_id", .text), ("order_id", .text), ("vendor_id", .integer),
            ("amount", .integer), ("currency", .text), ("note", .text), ("status", .integer),
            ("payment_url", .text), ("gateway_date", .integer), ("user", .text), ("created_at", .integer),
        ]),
        ArchiveTable("chain", key: ["seq"], [
            ("seq", .integer), ("kind", .text), ("ref_id", .integer), ("payload_hash", .text),
            ("prev_hash", .text), ("hash", .text),
        ]),
    ]

    // MARK: SQL both backends share

    /// A column name quoted (`user` is a reserved word in PostgreSQL).
    package static func quoted(_ name: String) -> String { "\"\(name)\"" }

    /// The quoted column list.
    package var columnList: String { columns.map { Self.quoted($0.name) }.joined(separator: ", ") }

    /// `SELECT` of a page in key order, after a key given as parameters `placeholder(1)…` when `after`. A two-column
    /// key is compared as `a >= ?1 AND (a > ?1 OR b > ?2)`, which both databases answer with an index seek to `a`
    /// (SQLite 3.40 seeks only by nothing with the row value `(a, b) > (?, ?)` and steps over every row before it).
    package func selectPageSQL(after: Bool, limit: Int, placeholder: (Int) -> String) -> String {
        precondition(key.count <= 2, "keys of one or two columns")
        let keyList = key.map(Self.quoted).joined(separator: ", ")
        var sql = "SELECT \(columnList) FROM \(name)"
        if after {
            let first = Self.quoted(key[0])
            if key.count == 1 {
                sql += " WHERE \(first) > \(placeholder(1))"
            } else {
                let second = Self.quoted(key[1])
                sql += " WHERE \(first) >= \(placeholder(1)) AND (\(first) > \(placeholder(1)) OR \(second) > \(placeholder(2)))"
            }
        }
        return sql + " ORDER BY \(keyList) LIMIT \(limit)"
    }
}

/// A frozen view of every row of an archive, read page by page (see ``ArchiveStore/rowSnapshot()``).
public protocol ArchiveRowSource: RegisterReader {
    /// Up to `limit` rows of `table` whose key comes after `key` (`nil`: from the first), in key order; each row's
    /// cells in the order of ``ArchiveTable/columns``.
    func rows(of table: ArchiveTable, after key: [ArchiveCell]?, limit: Int) async throws(ArchiveError) -> [[ArchiveCell]]
}

extension ArchiveRowSource {
    /// Every row of `table`, one page at a time.
    public func forEachPage(
        of table: ArchiveTable, _ body: ([[ArchiveCell]]) async throws(ArchiveError) -> Void
    ) async throws(ArchiveError) {
        var after: [ArchiveCell]?
        let keyIndexes = table.keyIndexes
        while true {
            let page = try await rows(of: table, after: after, limit: table.pageSize)
            guard let last = page.last else { return }
            try await body(page)
            if page.count < table.pageSize { return }
            after = keyIndexes.map { last[$0] }
        }
    }
}

/// What a copy did and what it checked.
public struct ArchiveCopySummary: Sendable, Hashable {
    /// Rows copied per table, in copy order.
    public var rows: [(table: String, count: Int)] {
        ArchiveTable.all.map { ($0.name, counts[$0.name] ?? 0) }
    }
    public var counts: [String: Int]
    /// The chain head both archives end at.
    public var chainHead: String
    /// What `verify` checked in the target.
    public var verification: VerificationReport
}

extension ArchiveStore {
    /// Copies every row of `source` (as of one moment) into this archive, which must be empty, then checks the copy:
    /// the source verifies before, the target verifies after, both end at the same chain head, and the target's
    /// counters equal the rows copied. A copy that fails a check throws, naming it.
    public func copy(
        from source: any ArchiveStore, progress: @escaping @Sendable (ArchiveTable, Int) -> Void = { _, _ in }
    ) async throws(ArchiveError) -> ArchiveCopySummary {
        guard try await isEmpty() else {
            throw ArchiveError(
                .refused, "The target archive \(location) is not empty: migrate copies into a new, empty archive only")
        }
        let before = try await source.verify()
        guard before.problems.isEmpty else {
            throw ArchiveError(
                .refused,
                "The source archive \(source.location) does not verify (\(before.problems.count) problem(s), first: "
                    + "\(before.problems[0].message)): run `fiscal-archive verify` and resolve them before copying")
        }
        let snapshot = try await source.rowSnapshot()
        let counts = try await importRows(from: snapshot, progress: progress)
        let sourceHead = try await snapshot.chainHead()
        let after = try await verify()
        guard after.problems.isEmpty else {
            throw ArchiveError(
                .corrupt,
                "The copy in \(location) does not verify (\(after.problems.count) problem(s), first: "
                    + "\(after.problems[0].message))")
        }
        let targetHead = try await chainHead()
        guard targetHead == sourceHead else {
            throw ArchiveError(
                .corrupt, "The copy's chain head \(targetHead) differs from the source's \(sourceHead)")
        }
        let status = try await status(now: 0)
        let expected: [(String, Int, Int)] = [
            ("transactions", counts["transactions"] ?? 0, status.total),
            ("originals", counts["originals"] ?? 0, status.originals),
            ("receipts", counts["receipts"] ?? 0, status.receipts),
            ("events", counts["events"] ?? 0, status.events),
        ]
        for (table, copied, counted) in expected where copied != counted {
            throw ArchiveError(
                .corrupt, "The copy holds \(counted) \(table) by its counters but \(copied) were copied")
        }
        return ArchiveCopySummary(counts: counts, chainHead: targetHead, verification: after)
    }
}
