@testable import Archive
@testable import SQLiteArchive
import GRDB
import Testing

/// Backends read register rows by position (``RegisterRowValues``), so the page query's output columns must be
/// exactly the ones it names, in its order: a column added, dropped or moved in the query would otherwise be read
/// as its neighbour.
@Suite struct RegisterSQLTests {
    @Test func thePageQueryReturnsTheColumnsInTheOrderTheyAreRead() throws {
        let store = try SQLiteArchiveStore.temporary()
        let queue = try DatabaseQueue(path: store.path)
        let names = try queue.read { db in
            try db.makeStatement(sql: RegisterSQL.page(
                condition: "e.occurred_at >= ?1 AND e.occurred_at < ?2 AND (e.occurred_at > ?1 OR e.seq > ?3)",
                limit: 10)
            ).columnNames
        }
        #expect(names == RegisterRowValues.columnNames)
    }
}
