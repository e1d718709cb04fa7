import Archive
import ArchiveTestSupport
import FiscalCore
import Foundation
import PostgresArchive
import SQLiteArchive
import Testing

/// `fiscal-archive migrate --to …` as a user runs it: SQLite to a new SQLite file always, and to PostgreSQL and back
/// when the run has a server. The copy lands whole under the name asked for (never half-filled), ends at the
/// source's chain head, finds the same receipts, and a second copy into the same target is refused.
@Suite("migrate --to")
struct MigrateCommandTests {
    @Test("a SQLite archive copied to a new file, to PostgreSQL and back: same chain head, same receipts")
    func copiesAndRefusesNonEmptyTarget() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("source.sqlite").path
        let store = try SQLiteArchiveStore(path: source)
        for id in [1, 2] as [TransactionID] {
            try await TripFixture.archive(
                store, id, payment: PaymentSnapshot(amount: Self.uzs(120_000_00), status: .completed, date: 1_790_000_000),
                original: OriginalDocument(
                    bytes: Array("<html>receipt \(id)</html>".utf8), url: "https://ofd.soliq.uz/epi?t=EP1&r=\(id)",
                    httpStatus: 200, contentType: "text/html", fetchedAt: 1_790_000_100, format: .html),
                receipt: Self.receipt(number: "\(id)"), now: 1_790_000_000)
        }
        _ = try await store.track([TrackRequest(id: 3, type: .p2p)], now: 1_790_000_000)
        let head = try await store.chainHead()
        try store.close()

        let copy = directory.appendingPathComponent("copy.sqlite").path
        let first = try CommandLineTests.run(["migrate", "--to", copy], environment: ["FISCAL_ARCHIVE_DB": source])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Chain head in both: \(head)"), "\(first.stdout)")
        #expect(first.stdout.contains("transactions       3"), "\(first.stdout)")
        #expect(!FileManager.default.fileExists(atPath: copy + ".migrating"))
        try await Self.expectSameArchive(at: copy, head: head)

        let again = try CommandLineTests.run(["migrate", "--to", copy], environment: ["FISCAL_ARCHIVE_DB": source])
        #expect(again.status == 1)
        #expect(again.stderr.contains("is not empty"), "\(again.stderr)")
        try await Self.expectSameArchive(at: copy, head: head)

        let itself = try CommandLineTests.run(["migrate", "--to", source], environment: ["FISCAL_ARCHIVE_DB": source])
        #expect(itself.status == 1)
        #expect(itself.stderr.contains("the archive itself"), "\(itself.stderr)")

        guard TestServer.adminURL != nil else { return }
        let url = try await TestServer.newDatabaseURL()
        let toServer = try CommandLineTests.run(["migrate", "--to", url], environment: ["FISCAL_ARCHIVE_DB": source])
        #expect(toServer.status == 0, "\(toServer.stderr)")
        #expect(!toServer.stdout.contains("password") && !toServer.stdout.contains(":postgres@"))
        try await Self.expectSameArchive(at: url, head: head)
        let back = directory.appendingPathComponent("back.sqlite").path
        let fromServer = try CommandLineTests.run(["migrate", "--to", back], environment: ["FISCAL_ARCHIVE_DB": url])
        #expect(fromServer.status == 0, "\(fromServer.stderr)")
        try await Self.expectSameArchive(at: back, head: head)
        let serverAgain = try CommandLineTests.run(["migrate", "--to", url], environment: ["FISCAL_ARCHIVE_DB": back])
        #expect(serverAgain.status == 1)
        #expect(serverAgain.stderr.contains("is not empty"), "\(serverAgain.stderr)")
    }

    /// The archive at `location` ends at `head`, verifies, and holds the source's three transactions and receipts.
    static func expectSameArchive(at location: String, head: String) async throws {
        let archive = try await CrashRestartTests.open(location)
        #expect(try await archive.chainHead() == head)
        #expect(try await archive.verify().isIntact)
        let status = try await archive.status(now: 1_790_000_000)
        #expect(status.total == 3)
        #expect(status.countsByState[.archived] == 2)
        #expect(status.receipts == 2)
        #expect(Set(try await archive.lookup(.text("чай"), limit: 10, offset: 0).map(\.transactionID)) == [1, 2])
        #expect(try await archive.receipt(for: 2)?.receipt.receiptNumber == "2")
        #expect(try await archive.original(for: 1)?.bytes == Array("<html>receipt 1</html>".utf8))
        if let server = archive as? PostgresArchiveStore { await server.close() }
    }

    static func uzs(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .uzs) }

    static func receipt(number: String) -> FiscalReceipt {
        let item = ReceiptItem(
            name: "Чай зелёный", quantity: ExactDecimal(1), lineTotal: uzs(120_000_00), discount: uzs(0),
            other: uzs(0), vatRate: ExactDecimal(12), vatAmount: uzs(12_857_14))
        return FiscalReceipt(
            kind: .sale, source: .html, terminalID: "EP1", receiptNumber: number, fiscalSign: "0000000000\(number)",
            issuedAt: Date(timeIntervalSince1970: 1_790_000_000),
            seller: .init(name: "OOO Choyxona", tin: "307578794", address: "Toshkent"), marketplace: nil,
            cashRegister: nil, items: [item], payment: .init(cash: uzs(0), card: uzs(120_000_00)),
            total: uzs(120_000_00), vatTotal: uzs(12_857_14))
    }
}
