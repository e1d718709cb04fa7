import Archive
import FiscalCore
import Foundation
import PostgresNIO
import Synchronization
import Testing

@testable import PostgresArchive

/// Issue 17 for PostgreSQL: every statement the sync path runs seeks an index once the archive is large. The sync's
/// calls run for real against an archive grown to 20,000 archived transactions (with originals, receipts, events
/// and chain links), every statement they send is recorded, and each is explained (`EXPLAIN (FORMAT JSON)`, with
/// the same parameters): no plan may scan a whole growing table.
@Suite("PostgreSQL query plans", .enabled(if: TestServer.available, TestServer.skipReason))
struct QueryPlanTests {
    static let grownTables: Set<String> = ["transactions", "originals", "receipts", "events", "chain"]

    @Test("every statement of the sync path seeks an index on a 20,000-transaction archive")
    func syncPathSeeks() async throws {
        let recorded = Mutex<[PostgresQuery]>([])
        let recording = Mutex(false)
        try await TestServer.withStore(traceStatements: { query in
            if recording.withLock({ $0 }) { recorded.withLock { $0.append(query) } }
        }) { store, configuration in
            let n: Int64 = 20_000
            try await TestServer.raw(database: configuration.database) { c in
                try await Self.grow(c, n: n)
            }
            recording.withLock { $0 = true }
            // The sync's path: track, claim, commit a whole trip, wait, fail, re-checks, leases, status.
            let now: Int64 = 1_800_000_000
            let ids = (1...5).map { TransactionID(n + Int64($0)) }
            _ = try await store.track(ids.map { TrackRequest(id: $0, type: .payment) }, now: now)
            _ = try await store.track([TrackRequest(id: 17, type: .payment)], now: now)
            let jobs = try await store.claimJobs(limit: 3, now: now, worker: "w", lease: 60)
            #expect(jobs.count == 3)
            try await Sample.archiveClaimed(store, jobs[0], now: now)
            try await store.commit(
                PipelineTrip(payment: Sample.payment(10, date: now), end: .waiting(
                    step: .receiptLink, reason: "later", nextAttemptAt: now + 60)),
                of: jobs[1].id, lease: jobs[1].lease, now: now)
            try await store.commit(
                PipelineTrip(end: .failed(step: .paymentInfo, reason: "gone")), of: jobs[2].id, lease: jobs[2].lease,
                now: now)
            _ = try await store.nextDueTime()
            _ = try await store.leaseHolders(now: now)
            _ = try await store.releaseLeases(heldBy: "w")
            _ = try await store.claimRechecks(now: now, horizon: RecheckSchedule.defaultHorizon, limit: 10)
            try await store.recordPaymentInfo(17, Sample.payment(5, date: 1_790_000_000, status: .refunded), now: now)
            _ = try await store.status(now: now)
            _ = try await store.retryFailed(now: now)
            recording.withLock { $0 = false }

            let statements = recorded.withLock { $0 }
            #expect(statements.count > 20)
            var scans: [String] = []
            try await TestServer.raw(database: configuration.database) { c in
                try await c.simple("ANALYZE")
                for statement in statements {
                    let sql = statement.sql.trimmingCharacters(in: .whitespacesAndNewlines)
                    let verb = sql.prefix(while: { $0.isLetter }).uppercased()
                    guard ["SELECT", "UPDATE", "INSERT", "DELETE", "WITH"].contains(verb),
                        !sql.hasPrefix("SELECT pg_advisory"), !sql.hasPrefix("SELECT nextval")
                    else { continue }
                    let explain = PostgresQuery(unsafeSQL: "EXPLAIN (FORMAT JSON) " + sql, binds: statement.binds)
                    // A `json` value: its bytes are the text.
                    let plan = (try await c.value(explain, ByteBuffer.self)).map { String(buffer: $0) } ?? ""
                    for table in Self.seqScans(plan) where Self.grownTables.contains(table) {
                        scans.append("\(table): \(sql)")
                    }
                }
            }
            #expect(scans.isEmpty, "statements scanning a growing table:\n\(scans.joined(separator: "\n"))")
        }
    }

    @Test("the archive's latest change, which dates every report, is read from the ends of indexes")
    func lastChangeSeeks() async throws {
        try await TestServer.withStore { _, configuration in
            try await TestServer.raw(database: configuration.database) { c in
                try await Self.grow(c, n: 20_000)
                try await c.simple("ANALYZE")
                let explain = PostgresQuery(unsafeSQL: "EXPLAIN (FORMAT JSON) " + PostgresArchiveStore.lastChangeSQL)
                let plan = (try await c.value(explain, ByteBuffer.self)).map { String(buffer: $0) } ?? ""
                #expect(Self.seqScans(plan).filter { Self.grownTables.contains($0) }.isEmpty, "\(plan)")
            }
        }
    }

    /// The relations a JSON plan reads with a sequential scan.
    static func seqScans(_ json: String) -> [String] {
        TotalsPlanTests.nodes(json).compactMap {
            $0["Node Type"] as? String == "Seq Scan" ? $0["Relation Name"] as? String : nil
        }
    }

    /// Fills the archive with `n` archived transactions with an original, a receipt with an item, a payment event and
    /// two chain links each, in bulk, and moves the chain head past them.
    static func grow(_ c: Conn, n: Int64) async throws {
        try await c.simple("SET session_replication_role = replica")
        try await c.simple("""
            INSERT INTO transactions(id, type, state, next_attempt_at, tracked_at, updated_at, amount, currency, status,
                paid_at, info_at, next_recheck_at, receipt_url)
            SELECT g, 'payment', 'archived', 1700000000 + g, 1700000000, 1700000000 + g, 1000, 'UZS', 2,
                1700000000 + g, 1700000000 + g, 1900000000 + g, 'https://ofd.soliq.uz/epi?r=' || g
            FROM generate_series(1, \(n)) g
            """)
        try await c.simple("""
            INSERT INTO originals(id, transaction_id, url, http_status, content_type, fetched_at, format, sha256, size,
                data, stored_at)
            SELECT g, g, 'https://ofd.soliq.uz/epi?r=' || g, 200, 'text/html', 1700000000 + g, 'html', md5(g::text),
                1, '\\x00'::bytea, 1700000000 + g
            FROM generate_series(1, \(n)) g
            """)
        try await c.simple("""
            INSERT INTO receipts(id, transaction_id, original_id, kind, source, terminal_id, receipt_number, fiscal_sign,
                issued_at, seller_name, seller_tin, total, vat_total, currency, document, archived_at, search)
            SELECT g, g, g, 'sale', 'html', 'T' || (g % 50), g::text, 'F' || g, 1700000000 + g, 'Seller ' || (g % 97),
                (300000000 + g % 500)::text, 1000, 107, 'UZS', '{}', 1700000000 + g,
                array_to_tsvector(ARRAY['seller', 'item' || (g % 1000)])
            FROM generate_series(1, \(n)) g
            """)
        try await c.simple("""
            INSERT INTO receipt_items(receipt_id, position, name, quantity, line_total, discount, other, vat_rate,
                vat_amount)
            SELECT g, 0, 'item', '1', 1000, 0, 0, '12', 107 FROM generate_series(1, \(n)) g
            """)
        try await c.simple("""
            INSERT INTO events(seq, kind, transaction_id, amount, currency, occurred_at, source, recorded_at)
            SELECT g, 'payment', g, 1000, 'UZS', 1700000000 + g, 'gateway', 1700000000 + g FROM generate_series(1, \(n)) g
            """)
        try await c.simple("""
            INSERT INTO chain(seq, kind, ref_id, payload_hash, prev_hash, hash)
            SELECT g, CASE WHEN g % 2 = 0 THEN 'event' ELSE 'original' END, (g + 1) / 2, md5(g::text), md5((g - 1)::text),
                md5(g::text)
            FROM generate_series(1, \(2 * n)) g
            """)
        try await c.simple("UPDATE chain_head SET seq = \(2 * n), hash = md5('\(2 * n)')")
        for (table, column) in [("originals", "id"), ("receipts", "id"), ("events", "seq")] {
            try await c.simple(
                "SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), (SELECT MAX(\(column)) FROM \(table)))")
        }
        try await c.simple("UPDATE archive_counts SET n = \(n) WHERE name IN ('state:archived', 'originals', 'receipts', 'events')")
        try await c.simple("SET session_replication_role = origin")
        try await c.simple("ANALYZE")
    }
}

extension Sample {
    /// Commits a claimed job's whole trip (payment, link, original, parsed receipt).
    static func archiveClaimed(_ store: any ArchiveStore, _ job: PipelineJob, now: Int64) async throws {
        let url = "https://ofd.soliq.uz/epi?t=T&r=\(job.id)"
        let parsed = try ParsedOriginal(receipt: Sample.receipt(total: 1_000), warnings: [], for: job.id)
        let original = try PreparedOriginal(page("<html>\(job.id)</html>", url: url), parsed: parsed)
        try await store.commit(
            PipelineTrip(
                payment: payment(1_000, date: now), links: .init(url: url, refundURLs: ["\(url)&refund"]),
                originals: [original], end: .archived),
            of: job.id, lease: job.lease, now: now)
    }
}

/// A register page must cost what its own rows cost, wherever it falls in the month: the planner once hashed the
/// whole `receipts` and `transactions` tables for every page after the first (a plan that `EXPLAIN` shows, but whose
/// cost only grows with the archive). The page query runs, with the register's planner settings, from the middle
/// of a month of 20,000 events; the rows its plan reads from the joined tables are counted (`EXPLAIN ANALYZE`).
@Suite("PostgreSQL register pages", .enabled(if: TestServer.available, TestServer.skipReason))
struct RegisterPagePlanTests {
    @Test("a page in the middle of the month reads its own rows by index, not the tables")
    func pageReadsItsOwnRows() async throws {
        try await TestServer.withStore { _, configuration in
            let n: Int64 = 20_000
            try await TestServer.raw(database: configuration.database) { c in
                try await QueryPlanTests.grow(c, n: n)
                // As in a real register, where refunds and cancellations share their payment's transaction (a
                // million-event archive's statistics: 0.92 events and 0.68 receipts per distinct transaction), the
                // planner is told that transactions repeat: it then costs a cache in front of the look-ups.
                try await c.simple("ALTER TABLE events ALTER COLUMN transaction_id SET (n_distinct = -0.5)")
                try await c.simple("ALTER TABLE receipts ALTER COLUMN transaction_id SET (n_distinct = -0.5)")
                // A vacuumed archive (as `migrate --to` leaves it, and autovacuum keeps it): the visibility map lets
                // an index answer alone.
                try await c.simple("VACUUM (ANALYZE)")
                // Events occur at 1,700,000,000 + seq (one Tashkent month): the page after the 10,000th.
                let month = YearMonth(year: 2023, month: 11)
                #expect(month.contains(epochSeconds: 1_700_000_001) && month.contains(epochSeconds: 1_700_000_000 + n))
                var binds = PostgresBindings(capacity: 3)
                binds.append(Int64(1_700_010_000))
                binds.append(month.endEpochSeconds)
                binds.append(Int64(10_000))
                let plan = try await TotalsPlanTests.plan(
                    c, PostgresQuery(unsafeSQL: PostgresArchiveStore.registerPageSQL, binds: binds),
                    settings: PostgresArchiveStore.registerPageSettings, analyze: true)
                let page = Int64(PostgresArchiveStore.registerPageSize)
                let read = Self.rowsRead(plan)
                #expect(QueryPlanTests.seqScans(plan).filter { QueryPlanTests.grownTables.contains($0) }.isEmpty,
                    "\(plan)")
                // One row of each table per event of the page (receipts: its look-up of the receipt, then the row).
                for table in ["transactions", "originals"] {
                    #expect((read[table] ?? 0) <= page, "\(table): \(read[table] ?? 0) rows for a page of \(page)")
                }
                #expect((read["receipts"] ?? 0) <= 3 * page, "receipts: \(read["receipts"] ?? 0) rows")
                #expect((read["events"] ?? 0) <= page + 1, "events: \(read["events"] ?? 0) rows")
                // No cache in front of the look-ups: a page's events hardly share a transaction, so a cache only
                // adds a miss to every row.
                #expect(!plan.contains(#""Node Type": "Memoize""#), "\(plan)")
                // The receipt is chosen and read from `receipts_transaction` alone: the heap rows carry the stored
                // JSON, a page each (migration `v4-register-covering`).
                let receiptScans = TotalsPlanTests.nodes(plan).filter { $0["Relation Name"] as? String == "receipts" }
                #expect(!receiptScans.isEmpty)
                for scan in receiptScans {
                    #expect(scan["Node Type"] as? String == "Index Only Scan", "\(scan)")
                    #expect((scan["Heap Fetches"] as? NSNumber)?.int64Value == 0, "\(scan)")
                }
            }
        }
    }

    /// Rows are read by position (`RegisterRowValues`): PostgreSQL's page query must return its columns in that order.
    @Test("the page query's columns are the ones rows are read by, in order")
    func columnsInOrder() async throws {
        try await TestServer.withStore { _, configuration in
            try await TestServer.raw(database: configuration.database) { c in
                let sql = PostgresArchiveStore.registerPageSQL
                    .replacingOccurrences(of: "$1", with: "0").replacingOccurrences(of: "$2", with: "0")
                    .replacingOccurrences(of: "$3", with: "0")
                try await c.simple("CREATE TEMP VIEW register_page AS " + sql)
                let names = try await c.rows("""
                    SELECT attname FROM pg_attribute WHERE attrelid = 'register_page'::regclass AND attnum > 0
                    ORDER BY attnum
                    """).map { try $0("attname", String.self) }
                #expect(names == RegisterRowValues.columnNames)
            }
        }
    }

    /// Rows each relation's scans returned in an analysed JSON plan (actual rows × loops, summed per relation).
    static func rowsRead(_ json: String) -> [String: Int64] {
        var rows: [String: Int64] = [:]
        for node in TotalsPlanTests.nodes(json) {
            if let relation = node["Relation Name"] as? String,
                let actual = (node["Actual Rows"] as? NSNumber)?.int64Value,
                let loops = (node["Actual Loops"] as? NSNumber)?.int64Value
            {
                rows[relation, default: 0] += actual * loops
            }
        }
        return rows
    }
}

/// The month's totals hash their few hundred groups with sorting switched off (`totalsSettings`), which is safe only
/// while nothing else in the query needs a sort: an `ORDER BY id LIMIT 1` receipt look-up, planned without sorts,
/// walked the whole `receipts` primary key for every refund (minutes at a million receipts). The totals query is
/// explained with its settings on a 20,000-transaction archive: no sort anywhere, and `receipts` is only ever
/// reached through an index condition.
@Suite("PostgreSQL month totals plan", .enabled(if: TestServer.available, TestServer.skipReason))
struct TotalsPlanTests {
    @Test("the totals hash the month's events and look receipts up by index, with no sort")
    func totalsHashWithoutSorting() async throws {
        try await TestServer.withStore { _, configuration in
            try await TestServer.raw(database: configuration.database) { c in
                try await QueryPlanTests.grow(c, n: 20_000)
                try await c.simple("ANALYZE")
                let plan = try await Self.plan(
                    c, PostgresArchiveStore.totalsQuery(YearMonth(year: 2023, month: 11)),
                    settings: PostgresArchiveStore.totalsSettings, analyze: false)
                let nodes = Self.nodes(plan)
                #expect(nodes.contains { $0["Node Type"] as? String == "Aggregate" && $0["Strategy"] as? String == "Hashed" },
                    "\(plan)")
                #expect(!nodes.contains { ($0["Node Type"] as? String)?.hasSuffix("Sort") == true }, "\(plan)")
                let receiptScans = nodes.filter { $0["Relation Name"] as? String == "receipts" }
                #expect(!receiptScans.isEmpty)
                for scan in receiptScans {
                    #expect(scan["Index Cond"] != nil, "receipts read without an index condition: \(plan)")
                }
            }
        }
    }

    /// The JSON plan of `query` (run, with `analyze`) in a transaction with `settings`, rolled back.
    static func plan(_ c: Conn, _ query: PostgresQuery, settings: [String], analyze: Bool) async throws -> String {
        try await c.simple("BEGIN")
        for setting in settings { try await c.simple(setting) }
        let explain = PostgresQuery(
            unsafeSQL: (analyze ? "EXPLAIN (ANALYZE, FORMAT JSON) " : "EXPLAIN (FORMAT JSON) ") + query.sql,
            binds: query.binds)
        let plan = (try await c.value(explain, ByteBuffer.self)).map { String(buffer: $0) } ?? ""
        try await c.simple("ROLLBACK")
        return plan
    }

    /// Every node of a JSON plan.
    static func nodes(_ json: String) -> [[String: Any]] {
        guard let data = json.data(using: .utf8), let root = try? JSONSerialization.jsonObject(with: data) else {
            return []
        }
        var nodes: [[String: Any]] = []
        func walk(_ node: Any) {
            if let dictionary = node as? [String: Any] {
                if dictionary["Node Type"] != nil { nodes.append(dictionary) }
                dictionary.values.forEach(walk)
            } else if let array = node as? [Any] {
                array.forEach(walk)
            }
        }
        walk(root)
        return nodes
    }
}

/// The VAT computes, per receipt of the month, whether it counts and whether its event is in another month. Those
/// look-ups must run once per receipt, not once per item (as they did when the planner flattened the receipts into
/// the join with the items). The VAT runs under `EXPLAIN ANALYZE` on 20,000 receipts of two items each; the look-ups
/// into `events` may loop at most once per receipt.
@Suite("PostgreSQL VAT plan", .enabled(if: TestServer.available, TestServer.skipReason))
struct VATPlanTests {
    @Test("the VAT's per-receipt look-ups run once per receipt, not per item")
    func lookUpsOncePerReceipt() async throws {
        try await TestServer.withStore { _, configuration in
            try await TestServer.raw(database: configuration.database) { c in
                let n: Int64 = 20_000
                try await QueryPlanTests.grow(c, n: n)
                try await c.simple("""
                    INSERT INTO receipt_items(receipt_id, position, name, quantity, line_total, discount, other,
                        vat_rate, vat_amount)
                    SELECT g, 1, 'second item', '1', 500, 0, 0, '12', 54 FROM generate_series(1, \(n)) g
                    """)
                try await c.simple("ANALYZE")
                let plan = try await TotalsPlanTests.plan(
                    c, PostgresArchiveStore.vatQuery(YearMonth(year: 2023, month: 11)),
                    settings: PostgresArchiveStore.vatSettings, analyze: true)
                let nodes = TotalsPlanTests.nodes(plan)
                let items = nodes.filter { $0["Relation Name"] as? String == "receipt_items" }
                #expect(!items.isEmpty, "\(plan)")
                let lookUps = nodes.filter { $0["Relation Name"] as? String == "events" }
                #expect(!lookUps.isEmpty, "\(plan)")
                for node in lookUps {
                    let loops = (node["Actual Loops"] as? NSNumber)?.int64Value ?? 0
                    #expect(loops <= n, "events looked up \(loops) times for \(n) receipts: \(plan)")
                }
                #expect(!nodes.contains { ($0["Node Type"] as? String)?.hasSuffix("Sort") == true }, "\(plan)")
            }
        }
    }
}
