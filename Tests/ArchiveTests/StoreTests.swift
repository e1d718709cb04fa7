import Archive
import FiscalCore
import Foundation
import GRDB
import Testing

@Suite struct StoreTests {
    @Test func freshFileIsOwnerOnlyAndMigrated() throws {
        let store = try ArchiveStore.temporary()
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        let permissions = try #require(attributes[.posixPermissions] as? NSNumber).intValue
        #expect(permissions & 0o777 == 0o600)
        let queue = try DatabaseQueue(path: store.path)
        let (migrations, journal, tables) = try queue.read { db in
            (
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            )
        }
        #expect(migrations == ["v1", "v2-operation-settling", "v3-receipts-by-date", "v4-sync-path", "v5-recheck-schedule", "v6-lists-as-rows"])
        #expect(journal == "wal")
        for table in ["transactions", "originals", "receipts", "receipt_items", "receipt_fts", "events", "operations", "chain"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        // Reopening an existing archive migrates nothing and keeps data.
        _ = try store.track([TrackRequest(id: 1, type: .payment)], now: 10)
        let reopened = try ArchiveStore(path: store.path)
        #expect(try reopened.transaction(1)?.state == .tracked)
        #expect(try reopened.chainHead() == String(repeating: "0", count: 64))
    }

    @Test func trackIsIdempotent() throws {
        let store = try ArchiveStore.temporary()
        let first = try store.track(
            [TrackRequest(id: 1, type: .payment), TrackRequest(id: 2, type: .p2p, vendorOrderID: "A-2")], now: 100)
        #expect(first == TrackSummary(added: 2, alreadyKnown: 0))
        let second = try store.track(
            [TrackRequest(id: 1, type: .payment, vendorOrderID: "A-1"), TrackRequest(id: 3, type: .payment)], now: 200)
        #expect(second == TrackSummary(added: 1, alreadyKnown: 1))
        let one = try #require(try store.transaction(1))
        #expect(one.trackedAt == 100)
        #expect(one.vendorOrderID == "A-1")
        #expect(try store.status(now: 200).total == 3)
    }

    @Test func trackIsAllOrNothing() throws {
        let store = try ArchiveStore.temporary()
        _ = try store.track([TrackRequest(id: 5, type: .payment)], now: 1)
        let error = #expect(throws: ArchiveError.self) {
            try store.track([TrackRequest(id: 6, type: .payment), TrackRequest(id: 5, type: .p2p)], now: 2)
        }
        #expect(error?.code == .conflict)
        #expect(error?.message == "Transaction 5 is already tracked as payment, not p2p")
        #expect(try store.transaction(6) == nil)
        #expect(try store.status(now: 2).total == 1)
    }

    @Test func metaRoundTrips() throws {
        let store = try ArchiveStore.temporary()
        #expect(try store.meta("last_sync_at") == nil)
        try store.setMeta("last_sync_at", "123")
        try store.setMeta("last_sync_at", "456")
        #expect(try store.meta("last_sync_at") == "456")
        #expect(try store.status(now: 0).lastSyncAt == 456)
    }

    @Test func lockedArchiveSaysSo() throws {
        let store = try ArchiveStore.temporary()
        let impatient = try ArchiveStore(path: store.path, busyTimeout: 0.2)
        let queue = try DatabaseQueue(path: store.path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            let error = #expect(throws: ArchiveError.self) { try impatient.setMeta("last_sync_at", "1") }
            #expect(error?.code == .locked)
            #expect(error?.description.contains("locked by another process") == true)
        }
        try impatient.setMeta("last_sync_at", "1")
    }
}

/// The named leases that let several `run`s share one archive while only one exports a month.
@Suite struct NamedLeaseTests {
    @Test("one holder at a time across connections; the holder renews; it expires; it can be given back")
    func exportLease() throws {
        let store = try ArchiveStore.temporary()
        let other = try ArchiveStore(path: store.path)
        #expect(try store.acquireLease("monthly-export", owner: "a", until: 200, now: 100))
        #expect(try !other.acquireLease("monthly-export", owner: "b", until: 250, now: 150))
        #expect(try store.acquireLease("monthly-export", owner: "a", until: 300, now: 199))
        #expect(try !other.acquireLease("monthly-export", owner: "b", until: 350, now: 250))
        // Expired: another may take it.
        #expect(try other.acquireLease("monthly-export", owner: "b", until: 400, now: 300))
        #expect(try !store.acquireLease("monthly-export", owner: "a", until: 450, now: 350))
        // Only the holder can give it back.
        try store.releaseLease("monthly-export", owner: "a")
        #expect(try !store.acquireLease("monthly-export", owner: "a", until: 450, now: 351))
        try other.releaseLease("monthly-export", owner: "b")
        #expect(try store.acquireLease("monthly-export", owner: "a", until: 450, now: 352))
    }
}
