import Archive
import Foundation
import GRDB

/// Copying rows in and out (`migrate`, see ``ArchiveStore/copy(from:progress:)``).
extension SQLiteArchiveStore {
    public func isEmpty() async throws(ArchiveError) -> Bool {
        try await asyncRead("Cannot read the archive") { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT NOT EXISTS (SELECT 1 FROM transactions) AND NOT EXISTS (SELECT 1 FROM chain)
                        AND NOT EXISTS (SELECT 1 FROM operations) AND NOT EXISTS (SELECT 1 FROM invoices)
                        AND NOT EXISTS (SELECT 1 FROM meta)
                    """) ?? false
        }
    }

    /// A WAL snapshot: pages read through it see the archive as it was when it was taken.
    public func rowSnapshot() async throws(ArchiveError) -> any ArchiveRowSource {
        do {
            return SQLiteRegisterSnapshot(reader: try pool.makeSnapshot())
        } catch {
            throw Self.mapError(error, "Cannot take a snapshot of the archive")
        }
    }

    /// Each page is its own write transaction: a SQLite target is a new file that `migrate` fills under a temporary
    /// name and renames when the copy has been checked, so a copy that stops half way leaves no archive behind.
    public func importRows(
        from source: any ArchiveRowSource, progress: @escaping @Sendable (ArchiveTable, Int) -> Void
    ) async throws(ArchiveError) -> [String: Int] {
        guard try await isEmpty() else {
            throw ArchiveError(.refused, "The archive \(path) is not empty: rows are copied into an empty archive only")
        }
        var counts: [String: Int] = [:]
        for table in ArchiveTable.all {
            let sql = "INSERT INTO \(table.name)(\(table.columnList)) VALUES (\(table.columns.map { _ in "?" }.joined(separator: ", ")))"
            var copied = 0
            try await source.forEachPage(of: table) { (page) throws(ArchiveError) in
                try await asyncWrite("Cannot copy rows into \(table.name)") { db in
                    let statement = try db.cachedStatement(sql: sql)
                    for row in page {
                        try statement.execute(arguments: StatementArguments(row.map(Self.databaseValue)))
                    }
                }
                copied += page.count
                progress(table, copied)
            }
            counts[table.name] = copied
        }
        try await asyncWrite("Cannot finish the copy") { db in
            try db.execute(
                sql: """
                    UPDATE chain_head SET seq = COALESCE((SELECT MAX(seq) FROM chain), 0),
                        hash = COALESCE((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1), ?)
                    WHERE id = 1
                    """,
                arguments: [IntegrityChain.genesis])
            try db.execute(
                sql: """
                    UPDATE lease_sequence SET value = MAX(value, COALESCE((SELECT MAX(lease_token) FROM transactions), 0))
                    WHERE id = 1
                    """)
        }
        try await rebuildSearchIndex()
        return counts
    }

    /// Indexes every receipt for full-text search, a page of receipts per write.
    private func rebuildSearchIndex() async throws(ArchiveError) {
        var after: Int64 = 0
        while true {
            let from = after
            let last = try await asyncWrite("Cannot index the copied receipts") { db -> Int64? in
                let receipts = try Row.fetchAll(
                    db, sql: "SELECT id, seller_name FROM receipts WHERE id > ? ORDER BY id LIMIT 500",
                    arguments: [from])
                guard let first = receipts.first, let last = receipts.last else { return nil }
                var names: [Int64: (items: [String], mxik: [String])] = [:]
                let items = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT receipt_id, name, mxik_name FROM receipt_items
                        WHERE receipt_id BETWEEN ? AND ? ORDER BY receipt_id, position
                        """,
                    arguments: [first["id"] as Int64, last["id"] as Int64])
                while let item = try items.next() {
                    let receiptID: Int64 = item["receipt_id"]
                    names[receiptID, default: ([], [])].items.append(item["name"])
                    if let mxik: String = item["mxik_name"] { names[receiptID, default: ([], [])].mxik.append(mxik) }
                }
                for receipt in receipts {
                    let id: Int64 = receipt["id"]
                    try Self.indexForSearch(
                        db, receiptID: id, seller: receipt["seller_name"], items: names[id]?.items ?? [],
                        mxikNames: names[id]?.mxik ?? [])
                }
                return last["id"] as Int64
            }
            guard let last else { return }
            after = last
        }
    }

    static func databaseValue(_ cell: ArchiveCell) -> DatabaseValue {
        switch cell {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let value): Data(value).databaseValue
        }
    }

    /// A stored value as a cell of the kind its column holds; any other storage class is an error naming the row.
    static func cell(_ value: DatabaseValue, _ column: ArchiveTable.Column, table: String) throws(ArchiveError)
        -> ArchiveCell
    {
        switch (value.storage, column.kind) {
        case (.null, _): return .null
        case (.int64(let int), .integer): return .integer(int)
        case (.string(let text), .text): return .text(text)
        case (.blob(let data), .blob): return .blob([UInt8](data))
        default:
            throw ArchiveError(
                .corrupt, "\(table).\(column.name) holds \(value) where \(column.kind) is expected: it cannot be copied")
        }
    }
}

extension SQLiteRegisterSnapshot: ArchiveRowSource {
    func rows(of table: ArchiveTable, after key: [ArchiveCell]?, limit: Int) async throws(ArchiveError)
        -> [[ArchiveCell]]
    {
        let sql = table.selectPageSQL(after: key != nil, limit: limit) { "?\($0)" }
        let arguments = StatementArguments((key ?? []).map(SQLiteArchiveStore.databaseValue))
        do {
            return try await reader.read { db in
                var rows: [[ArchiveCell]] = []
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try cursor.next() {
                    var cells: [ArchiveCell] = []
                    cells.reserveCapacity(table.columns.count)
                    for (index, column) in table.columns.enumerated() {
                        cells.append(try SQLiteArchiveStore.cell(row[index], column, table: table.name))
                    }
                    rows.append(cells)
                }
                return rows
            }
        } catch {
            throw SQLiteArchiveStore.mapError(error, "Cannot read \(table.name) to copy it")
        }
    }
}
