import Archive
import FiscalCore
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import PostgresArchive

/// The PostgreSQL server the tests use: `FISCAL_ARCHIVE_TEST_POSTGRES_URL`, a superuser's URL (set by
/// `scripts/with-postgres.sh`). Without it, every test that needs a server is skipped, and says so.
enum TestServer {
    static let adminURL = ProcessInfo.processInfo.environment["FISCAL_ARCHIVE_TEST_POSTGRES_URL"]
    static let available = adminURL != nil
    static let skipReason: Comment = "FISCAL_ARCHIVE_TEST_POSTGRES_URL is not set (run under scripts/with-postgres.sh)"

    static func adminConfiguration() throws -> PostgresArchiveConfiguration {
        try PostgresArchiveConfiguration(url: try #require(adminURL))
    }

    /// Runs `body` on a raw connection to `database` (the admin database by default), outside the archive.
    static func raw<T: Sendable>(database: String? = nil, _ body: (Conn) async throws -> T) async throws -> T {
        var configuration = try adminConfiguration()
        if let database { configuration = configuration.with(database: database) }
        let client = PostgresClient(
            configuration: configuration.clientConfiguration(), backgroundLogger: Logger(label: "test-admin"))
        let task = Task { await client.run() }
        defer { task.cancel() }
        return try await client.withConnection { connection in
            try await body(Conn(connection, Logger(label: "test-admin")))
        }
    }

    /// A fresh, empty database (`fa_<uuid>`) for the duration of `body`, dropped afterwards.
    static func withDatabase<T: Sendable>(_ body: (PostgresArchiveConfiguration) async throws -> T) async throws -> T {
        let name = "fa_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await raw { c in try await c.simple("CREATE DATABASE \(name)") }
        let configuration = try adminConfiguration().with(database: name)
        do {
            let result = try await body(configuration)
            try await drop(name)
            return result
        } catch {
            try? await drop(name)
            throw error
        }
    }

    private static func drop(_ name: String) async throws {
        try await raw { c in try await c.simple("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }

    /// A fresh archive in a fresh database, closed and dropped after `body`.
    static func withStore<T: Sendable>(
        traceStatements: (@Sendable (PostgresQuery) -> Void)? = nil,
        _ body: (PostgresArchiveStore, PostgresArchiveConfiguration) async throws -> T
    ) async throws -> T {
        try await withDatabase { configuration in
            let store = try await PostgresArchiveStore.open(
                configuration, logger: nil, connectTimeout: .seconds(30), traceStatements: traceStatements)
            do {
                let result = try await body(store, configuration)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        }
    }
}

/// Shared builders.
enum Sample {
    static func uzs(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .uzs) }

    static func receipt(
        kind: FiscalReceipt.Kind = .sale, total: Int64 = 853_374_00, fiscalSign: String = "088681055845",
        terminal: String = "EP000000000058", number: String = "1020387", seller: String = "MCHJ «Тест Савдо»",
        sellerTIN: String = "307578794", items: [ReceiptItem]? = nil
    ) -> FiscalReceipt {
        let lines = items ?? [
            ReceiptItem(
                name: "Кофе латте большой", quantity: ExactDecimal(2), lineTotal: uzs(total / 2), discount: uzs(0),
                other: uzs(0), vatRate: ExactDecimal(12), vatAmount: uzs(total / 2 * 12 / 112),
                mxikCode: "10202001010000003", mxikName: "Qahva ichimliklari", commissionerTIN: "310995649"),
            ReceiptItem(
                name: "Croissant with almonds", quantity: ExactDecimal(significand: 1268, scale: 3),
                lineTotal: uzs(total - total / 2), discount: uzs(0), other: uzs(0),
                vatRate: ExactDecimal(significand: 120, scale: 1), vatAmount: uzs((total - total / 2) * 12 / 112),
                mxikCode: "10899001001000000", mxikName: "Nonvoyxona mahsulotlari, to‘lov", unit: "dona"),
        ]
        return FiscalReceipt(
            kind: kind, source: .html, terminalID: terminal, receiptNumber: number, fiscalSign: fiscalSign,
            issuedAt: Date(timeIntervalSince1970: 1_790_000_000),
            seller: .init(name: seller, tin: sellerTIN, address: "Toshkent"),
            marketplace: "MULTICARD", cashRegister: nil, items: lines, payment: .init(cash: uzs(0), card: uzs(total)),
            total: uzs(total), vatTotal: lines.reduce(uzs(0)) { $0 + $1.vatAmount })
    }

    static func page(_ text: String, url: String = "https://ofd.soliq.uz/epi?t=EP000000000058&r=1020387") -> OriginalDocument {
        OriginalDocument(
            bytes: Array(text.utf8), url: url, httpStatus: 200, contentType: "text/html; charset=utf-8",
            fetchedAt: 1_790_000_100, format: .html)
    }

    static func payment(_ amount: Int64, date: Int64, status: PaySysStatus = .completed) -> PaymentSnapshot {
        PaymentSnapshot(amount: uzs(amount), status: status, date: date, vendorOrderID: "order-1", mxID: "mx-1")
    }

    /// Carries a transaction through the sync's one trip: tracked, claimed, committed with payment, link, original
    /// and parsed receipt. Returns the state it ends in.
    @discardableResult
    static func archive(
        _ store: any ArchiveStore, _ id: TransactionID, amount: Int64 = 853_374_00, date: Int64 = 1_790_000_000,
        receipt: FiscalReceipt? = nil, now: Int64 = 1_790_000_000, worker: String = "test-worker"
    ) async throws -> PipelineState {
        _ = try await store.track([TrackRequest(id: id, type: .payment)], now: now)
        let jobs = try await store.claimJobs(limit: 1000, now: now, worker: worker, lease: 60)
        let job = try #require(jobs.first { $0.id == id })
        let url = "https://ofd.soliq.uz/epi?t=T&r=\(id)"
        let parsed = try ParsedOriginal(receipt: receipt ?? Sample.receipt(total: amount), warnings: ["w1"], for: id)
        let original = try PreparedOriginal(page("<html>receipt \(id)</html>", url: url), parsed: parsed)
        return try await store.commit(
            PipelineTrip(
                payment: payment(amount, date: date), links: .init(url: url, refundURLs: []), originals: [original],
                end: .archived),
            of: id, lease: job.lease, now: now)
    }
}
