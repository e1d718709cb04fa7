import Archive
import FiscalCore
import Foundation
import SQLiteArchive
import Testing

@testable import PostgresArchive

/// `migrate`: a whole archive copied between backends, row for row, then checked. The copy must read the same as
/// its source in every read, verify, end at the same chain head, and carry on as the source would: the same further
/// writes in both give the same chain heads (ids, sequences and the chain head were carried over, not restarted).
@Suite("Copying an archive between backends", .enabled(if: TestServer.available, TestServer.skipReason))
struct MigrationTests {
    @Test("SQLite to PostgreSQL: every read the same, the same chain, and the copy carries on as the source")
    func sqliteToPostgres() async throws {
        let sqlite = try SQLiteArchiveStore.temporary()
        let heads = try await BackendEquivalenceTests.writes(sqlite)
        let sourceReport = try await sqlite.verify()
        try await TestServer.withStore { store, _ in
            let summary = try await store.copy(from: sqlite)
            // The copy was vacuumed, and every page of the copied tables is in the visibility map (what lets the
            // register's and the VAT's index-only scans skip the heap). The test server commits synchronously, as a
            // default one does: with asynchronous commits the VACUUM right after the copy left pages out.
            #expect(try await store.rawRows("""
                SELECT s.relname, s.last_vacuum IS NOT NULL, c.relpages > 0 AND c.relallvisible = c.relpages
                FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                WHERE s.relname IN ('events', 'receipt_items', 'receipts', 'transactions') ORDER BY s.relname
                """) == ["events", "receipt_items", "receipts", "transactions"].map { [$0, "true", "true"] })
            #expect(summary.chainHead == heads.last)
            #expect(summary.counts["transactions"] == 4)
            #expect(summary.counts["chain"] == sourceReport.linksChecked)
            #expect(summary.verification.linksChecked == sourceReport.linksChecked)
            #expect(summary.verification.originalsChecked == sourceReport.originalsChecked)
            #expect(try await store.status(now: 1_790_300_010) == (try await sqlite.status(now: 1_790_300_010)))
            for id in [1, 2, 3, 4].map({ TransactionID(Int64($0)) }) {
                #expect(try await store.events(of: id) == (try await sqlite.events(of: id)), "events of \(id)")
                #expect(try await store.receipts(for: id) == (try await sqlite.receipts(for: id)), "receipts of \(id)")
            }
            // Full-text search was rebuilt from the copied rows, in Cyrillic and Latin.
            #expect(Set(try await store.lookup(.text("кофе латте"), limit: 10, offset: 0).map(\.transactionID)) == [1, 2, 3])
            #expect(try await store.lookup(.text("to'lov"), limit: 10, offset: 0).count == 3)
            // The search vectors rebuilt by the copy are those the same writes make directly.
            let copied = try await store.rawRows("SELECT id, search::text FROM receipts ORDER BY id")
            try await TestServer.withStore { direct, _ in
                _ = try await BackendEquivalenceTests.writes(direct)
                #expect(try await direct.rawRows("SELECT id, search::text FROM receipts ORDER BY id") == copied)
            }
            try await BackendEquivalenceTests.compareReads(store, sqlite)
            #expect(try await store.verify().isIntact)
        }
    }

    @Test("PostgreSQL to SQLite: every read the same, and the copy carries on as the source")
    func postgresToSQLite() async throws {
        try await TestServer.withStore { store, _ in
            let heads = try await BackendEquivalenceTests.writes(store)
            let sqlite = try SQLiteArchiveStore.temporary()
            let summary = try await sqlite.copy(from: store)
            #expect(summary.chainHead == heads.last)
            #expect(Set(try await sqlite.lookup(.text("КОФЕ"), limit: 10, offset: 0).map(\.transactionID)) == [1, 2, 3])
            try await BackendEquivalenceTests.compareReads(store, sqlite)
            #expect(try await sqlite.verify().isIntact)
        }
    }

    @Test("a target that holds anything is refused and left as it was")
    func nonEmptyTargetRefused() async throws {
        let sqlite = try SQLiteArchiveStore.temporary()
        _ = try await BackendEquivalenceTests.writes(sqlite)
        try await TestServer.withStore { store, _ in
            try await store.setMeta("note", "someone's")
            let error = await #expect(throws: ArchiveError.self) { try await store.copy(from: sqlite) }
            #expect(error?.code == .refused)
            #expect(error?.message.contains("not empty") == true)
            #expect(try await store.status(now: 0).total == 0)
            #expect(try await store.meta("note") == "someone's")
        }
        let other = try SQLiteArchiveStore.temporary()
        try await Sample.archive(other, 9)
        let head = try await other.chainHead()
        await #expect(throws: ArchiveError.self) { try await other.copy(from: sqlite) }
        #expect(try await other.chainHead() == head)
        #expect(try await other.status(now: 0).total == 1)
    }

    @Test("a source that does not verify is not copied")
    func tamperedSourceRefused() async throws {
        try await TestServer.withStore { store, _ in
            _ = try await BackendEquivalenceTests.writes(store)
            try await store.tamper("UPDATE events SET amount = amount + 1 WHERE seq = 1")
            let sqlite = try SQLiteArchiveStore.temporary()
            let error = await #expect(throws: ArchiveError.self) { try await sqlite.copy(from: store) }
            #expect(error?.code == .refused)
            #expect(error?.message.contains("does not verify") == true)
            #expect(try await sqlite.isEmpty())
        }
    }

    @Test("a copy that fails half way leaves a PostgreSQL target empty (one transaction)")
    func failedCopyLeavesNothing() async throws {
        let sqlite = try SQLiteArchiveStore.temporary()
        _ = try await BackendEquivalenceTests.writes(sqlite)
        try await TestServer.withStore { store, _ in
            let failing = FailingSource(inner: try await sqlite.rowSnapshot(), failAt: "events")
            let error = await #expect(throws: ArchiveError.self) {
                try await store.importRows(from: failing, progress: { _, _ in })
            }
            #expect(error?.message.contains("the source went away") == true)
            #expect(try await store.isEmpty())
            #expect(try await store.status(now: 0).originals == 0)
            #expect(try await store.chainHead() == IntegrityChain.genesis)
            // And the same target then takes the whole copy.
            _ = try await store.copy(from: sqlite)
            #expect(try await store.chainHead() == (try await sqlite.chainHead()))
        }
    }
}

/// A row source that fails when it reaches a table (a source that goes away mid-copy).
private struct FailingSource: ArchiveRowSource {
    let inner: any ArchiveRowSource
    let failAt: String

    func rows(of table: ArchiveTable, after key: [ArchiveCell]?, limit: Int) async throws(ArchiveError)
        -> [[ArchiveCell]]
    {
        if table.name == failAt { throw ArchiveError(.database, "the source went away") }
        return try await inner.rows(of: table, after: key, limit: limit)
    }

    func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) async throws {
        try await inner.forEachRegisterEntry(in: month, body)
    }
    func vatBreakdown(in month: YearMonth) async throws(ArchiveError) -> [VATLine] {
        try await inner.vatBreakdown(in: month)
    }
    func chainHead() async throws(ArchiveError) -> String { try await inner.chainHead() }
    func lastChangeAt() async throws(ArchiveError) -> Int64? { try await inner.lastChangeAt() }
}
