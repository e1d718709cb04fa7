import Archive
import FiscalCore
import Foundation
import GRDB
import Logging
import SQLiteArchive
import Sandbox

#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds (user + system) of the waited-for children of this process so far.
func childrenCPU() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_CHILDREN.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// CPU seconds (user + system) of this process so far.
func processCPU() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// Fills a migrated archive with `count` archived transactions in bulk SQL: the rows a sync finds already there
/// (transactions with payment info, one payment event, one original, one receipt with three items and its
/// full-text row, two chain links each). Paid two months ago, so they are outside the re-check window.
func seedArchive(_ path: String, count: Int, now: Int64) throws {
    _ = try SQLiteArchiveStore(path: path)  // creates and migrates
    let queue = try DatabaseQueue(path: path)
    let old = now - 60 * 86_400
    let base: Int64 = 900_000_000_000
    try queue.write { db in
        let arguments: StatementArguments = ["count": count, "old": old, "base": base]
        try db.execute(
            sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
                INSERT INTO transactions(id, type, vendor_order_id, state, next_attempt_at, tracked_at, updated_at,
                    amount, currency, status, paid_at, bank_transaction_id, mx_id, info_at, last_recheck_at,
                    receipt_url)
                SELECT :base + i, 'payment', 'order-' || i, 'archived', :old, :old, :old, 100000 + i, 'UZS', 2,
                    :old - i, 'bank-' || i, 'mx-' || i, :old, :old,
                    'https://ofd.soliq.uz/epi?t=EP000000000058&r=' || i || '&c=20260901120000&s=0886' || i
                FROM n
                """, arguments: arguments)
        try db.execute(
            sql: """
                INSERT INTO status_history(transaction_id, status, observed_at)
                SELECT id, 2, :old FROM transactions WHERE id > :base
                """, arguments: arguments)
        try db.execute(
            sql: """
                INSERT INTO events(kind, transaction_id, amount, currency, occurred_at, source, recorded_at)
                SELECT 'payment', id, amount, 'UZS', paid_at, 'gateway', :old FROM transactions WHERE id > :base
                """, arguments: arguments)
        try db.execute(
            sql: """
                INSERT INTO originals(transaction_id, url, http_status, content_type, fetched_at, format, sha256,
                    size, data, stored_at)
                SELECT id, receipt_url, 200, 'text/html; charset=utf-8', :old, 'html', lower(hex(randomblob(32))),
                    24000, randomblob(3000), :old
                FROM transactions WHERE id > :base
                """, arguments: arguments)
        try db.execute(
            sql: """
                INSERT INTO receipts(transaction_id, original_id, kind, source, terminal_id, receipt_number,
                    fiscal_sign, issued_at, seller_name, seller_tin, total, vat_total, currency, document, archived_at)
                SELECT transaction_id, id, 'sale', 'html', 'EP000000000058', id, '0886' || id, :old,
                    'MCHJ «Тест Савдо»', '307578794', 100000, 10714, 'UZS', '{"seeded":true}', :old
                FROM originals WHERE transaction_id > :base
                """, arguments: arguments)
        for position in 0..<3 {
            try db.execute(
                sql: """
                    INSERT INTO receipt_items(receipt_id, position, name, quantity, line_total, discount, other,
                        vat_rate, vat_amount, mxik_code, mxik_name, unit)
                    SELECT id, \(position), 'Кофе латте большой \(position)', '1', 33333, 0, 0, '12', 3571,
                        '10202001010000003', 'Qahva ichimliklari', 'dona'
                    FROM receipts WHERE transaction_id > :base
                    """, arguments: arguments)
        }
        try db.execute(
            sql: """
                INSERT INTO receipt_fts(rowid, seller_name, item_names, mxik_names)
                SELECT id, 'мчж тест савдо', 'кофе латте большой', 'qahva ichimliklari'
                FROM receipts WHERE transaction_id > :base
                """, arguments: arguments)
        for (kind, table, key) in [("original", "originals", "id"), ("event", "events", "seq")] {
            try db.execute(
                sql: """
                    INSERT INTO chain(kind, ref_id, payload_hash, prev_hash, hash)
                    SELECT '\(kind)', \(key), lower(hex(randomblob(32))), lower(hex(randomblob(32))),
                        lower(hex(randomblob(32)))
                    FROM \(table) WHERE transaction_id > :base
                    """, arguments: arguments)
        }
        try db.execute(sql: """
            UPDATE chain_head SET seq = (SELECT MAX(seq) FROM chain),
                hash = (SELECT hash FROM chain ORDER BY seq DESC LIMIT 1)
            """)
    }
    try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
}

/// The environment that points the tool at `database` and at `sandbox` (retries far away, so a run ends).
func toolEnvironment(database: String, sandbox: SandboxServer) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FISCAL_ARCHIVE_") }
    environment["FISCAL_ARCHIVE_DB"] = database
    environment["FISCAL_ARCHIVE_GATEWAY_URL"] = sandbox.gatewayURL
    environment["FISCAL_ARCHIVE_SERVICE_ID"] = sandbox.serviceID
    environment["FISCAL_ARCHIVE_SECRET_KEY"] = sandbox.secretKey
    environment["FISCAL_ARCHIVE_RECEIPT_HOSTS"] = "127.0.0.1:\(sandbox.port)"
    environment["FISCAL_ARCHIVE_RECEIPT_API_URL"] = sandbox.receiptAPIURL
    environment["FISCAL_ARCHIVE_RECEIPT_API_KEY"] = sandbox.configuration.receiptAPIKey
    environment["FISCAL_ARCHIVE_RECEIPT_RATE"] = "0"
    environment["FISCAL_ARCHIVE_RETRY_INITIAL"] = "600"
    environment["FISCAL_ARCHIVE_RETRY_MAX"] = "600"
    return environment
}

/// Starts the tool with `arguments` against the sandbox, its output appended to `log`.
func launchTool(
    _ tool: String, _ arguments: [String], database: String, sandbox: SandboxServer, log: String
) throws -> Process {
    if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    _ = handle.seekToEndOfFile()
    let process = toolProcess(tool, arguments, database: database, sandbox: sandbox, output: handle, errors: handle)
    try process.run()
    return process
}

/// The tool as a child process pointed at `database` and `sandbox`, not yet started, with no input.
func toolProcess(
    _ tool: String, _ arguments: [String], database: String, sandbox: SandboxServer, output: Any, errors: Any
) -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.environment = toolEnvironment(database: database, sandbox: sandbox)
    process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    return process
}

/// Runs the tool with `arguments` against the sandbox; returns (exit status, wall seconds, CPU seconds).
func runTool(
    _ tool: String, _ arguments: [String], database: String, sandbox: SandboxServer, log: String
) throws -> (status: Int32, wall: Double, cpu: Double) {
    let cpuBefore = childrenCPU()
    let started = ContinuousClock.now
    let process = try launchTool(tool, arguments, database: database, sandbox: sandbox, log: log)
    process.waitUntilExit()
    let wall = seconds(ContinuousClock.now - started)
    return (process.terminationStatus, wall, childrenCPU() - cpuBefore)
}

/// Fills a new PostgreSQL archive (migrated by the tool's `status`) with `count` archived transactions in bulk SQL
/// through `psql`: the same rows as ``seedArchive(_:count:now:)`` writes into SQLite.
func seedPostgres(_ url: String, tool: String, sandbox: SandboxServer, count: Int, now: Int64) throws {
    let log = NSTemporaryDirectory() + "sync-bench-\(getpid())-seed.log"
    defer { try? FileManager.default.removeItem(atPath: log) }
    guard try runTool(tool, ["status"], database: url, sandbox: sandbox, log: log).status == 0 else {
        throw BenchError("status (which migrates the new database) failed: see \(log)")
    }
    let old = now - 60 * 86_400
    let base: Int64 = 900_000_000_000
    // The counting triggers are off while seeding and the counters set at the end, as `migrate` does (in one
    // transaction, a counter row moved once per inserted row makes every insert slower than the last).
    try psql(url, """
        BEGIN;
        ALTER TABLE transactions DISABLE TRIGGER transactions_count;
        ALTER TABLE originals DISABLE TRIGGER originals_count;
        ALTER TABLE receipts DISABLE TRIGGER receipts_count;
        ALTER TABLE events DISABLE TRIGGER events_count;
        INSERT INTO transactions(id, type, vendor_order_id, state, next_attempt_at, tracked_at, updated_at, amount,
            currency, status, paid_at, bank_transaction_id, mx_id, info_at, last_recheck_at, receipt_url)
        SELECT \(base) + i, 'payment', 'order-' || i, 'archived', \(old), \(old), \(old), 100000 + i, 'UZS', 2,
            \(old) - i, 'bank-' || i, 'mx-' || i, \(old), \(old),
            'https://ofd.soliq.uz/epi?t=EP000000000058&r=' || i || '&c=20260901120000&s=0886' || i
        FROM generate_series(1, \(count)) i;
        INSERT INTO status_history(transaction_id, status, observed_at)
            SELECT id, 2, \(old) FROM transactions WHERE id > \(base);
        INSERT INTO events(kind, transaction_id, amount, currency, occurred_at, source, recorded_at)
            SELECT 'payment', id, amount, 'UZS', paid_at, 'gateway', \(old) FROM transactions WHERE id > \(base);
        INSERT INTO originals(transaction_id, url, http_status, content_type, fetched_at, format, sha256, size, data,
            stored_at)
        SELECT id, receipt_url, 200, 'text/html; charset=utf-8', \(old), 'html', md5(id::text) || md5(id::text),
            24000, decode(repeat(md5(id::text), 94), 'hex'), \(old)
        FROM transactions WHERE id > \(base);
        INSERT INTO receipts(transaction_id, original_id, kind, source, terminal_id, receipt_number, fiscal_sign,
            issued_at, seller_name, seller_tin, total, vat_total, currency, document, archived_at, search)
        SELECT transaction_id, id, 'sale', 'html', 'EP000000000058', id::text, '0886' || id, \(old),
            'MCHJ «Тест Савдо»', '307578794', 100000, 10714, 'UZS', '{"seeded":true}', \(old),
            array_to_tsvector(ARRAY['мчж', 'тест', 'савдо', 'кофе', 'латте', 'большой', 'qahva', 'ichimliklari'])
        FROM originals WHERE transaction_id > \(base);
        INSERT INTO receipt_items(receipt_id, position, name, quantity, line_total, discount, other, vat_rate,
            vat_amount, mxik_code, mxik_name, unit)
        SELECT r.id, p, 'Кофе латте большой ' || p, '1', 33333, 0, 0, '12', 3571, '10202001010000003',
            'Qahva ichimliklari', 'dona'
        FROM receipts r, generate_series(0, 2) p WHERE r.transaction_id > \(base);
        INSERT INTO chain(seq, kind, ref_id, payload_hash, prev_hash, hash)
        SELECT (SELECT seq FROM chain_head) + row_number() OVER (ORDER BY kind, ref_id), kind, ref_id,
            md5(ref_id::text || kind) || md5(kind), md5(ref_id::text) || md5(kind || ref_id::text),
            md5(kind || ref_id::text || 'h') || md5(ref_id::text || 'h')
        FROM (SELECT 'original' AS kind, id AS ref_id FROM originals WHERE transaction_id > \(base)
              UNION ALL SELECT 'event', seq FROM events WHERE transaction_id > \(base)) links;
        UPDATE chain_head SET seq = (SELECT MAX(seq) FROM chain),
            hash = (SELECT hash FROM chain ORDER BY seq DESC LIMIT 1);
        ALTER TABLE transactions ENABLE TRIGGER transactions_count;
        ALTER TABLE originals ENABLE TRIGGER originals_count;
        ALTER TABLE receipts ENABLE TRIGGER receipts_count;
        ALTER TABLE events ENABLE TRIGGER events_count;
        UPDATE archive_counts SET n = (SELECT COUNT(*) FROM transactions WHERE state = 'archived')
            WHERE name = 'state:archived';
        UPDATE archive_counts SET n = (SELECT COUNT(*) FROM originals) WHERE name = 'originals';
        UPDATE archive_counts SET n = (SELECT COUNT(*) FROM receipts) WHERE name = 'receipts';
        UPDATE archive_counts SET n = (SELECT COUNT(*) FROM events) WHERE name = 'events';
        COMMIT;
        ANALYZE;
        """)
}

func runProcessCPU(tool: String, new: Int, seeds: [Int], target: BenchTarget = .sqlite) async throws {
    guard FileManager.default.isExecutableFile(atPath: tool) else {
        throw BenchError("\(tool) is not an executable: build it with `swift build -c release` at the repository root")
    }
    var logger = Logger(label: "sync-bench")
    logger.logLevel = .critical
    let sandbox = try await SandboxServer.start(
        configuration: SandboxConfiguration(transactionCount: new, recentTransactionCount: 0), logger: logger)
    do {
        try await measure(tool: tool, sandbox: sandbox, seeds: seeds, target: target)
    } catch {
        await sandbox.shutdown()
        throw error
    }
    await sandbox.shutdown()
}

func measure(tool: String, sandbox: SandboxServer, seeds: [Int], target: BenchTarget) async throws {
    let transactions = await sandbox.world.allTransactions
    let csv = NSTemporaryDirectory() + "sync-bench-\(getpid())-new.csv"
    try ("transaction_id,type\n" + transactions.map { "\($0.id),\($0.type.rawValue)" }.joined(separator: "\n") + "\n")
        .write(toFile: csv, atomically: true, encoding: .utf8)
    print("cpu: `fiscal-archive sync --concurrency 16` of \(transactions.count) new transactions, no latency, "
        + "into \(target) archives already holding N archived transactions; load \(loadAverage())")
    print("        N   seed s   sync wall   tx/s   CPU s   CPU/tx ms   archived")
    var baseline: Double?
    for count in seeds {
        let archive = try target.freshArchive("cpu-\(count)")
        defer { archive.remove() }
        let path = archive.database
        let now = Int64(Date().timeIntervalSince1970)
        let seedClock = ContinuousClock.now
        switch target {
        case .sqlite: try seedArchive(path, count: count, now: now)
        case .postgres: try seedPostgres(path, tool: tool, sandbox: sandbox, count: count, now: now)
        }
        let seedTime = seconds(ContinuousClock.now - seedClock)
        let log = NSTemporaryDirectory() + "sync-bench-\(getpid())-cpu-\(count).log"
        let track = try runTool(tool, ["track", "--csv", csv], database: path, sandbox: sandbox, log: log)
        guard track.status == 0 else { throw BenchError("track failed: see \(log)") }
        let sync = try runTool(tool, ["sync", "--concurrency", "16"], database: path, sandbox: sandbox, log: log)
        guard sync.status == 0 else { throw BenchError("sync failed (\(sync.status)): see \(log)") }
        let archived = archivedCount(
            try runToolOutput(tool, ["status", "--json"], database: path, sandbox: sandbox)) ?? 0
        let perTransaction = sync.cpu / Double(transactions.count) * 1000
        if baseline == nil { baseline = perTransaction }
        print(String(format: "%9d  %7.1f  %8.2f s  %5.0f  %6.2f  %10.2f   %8d  (%+.0f %% vs first)",
            count, seedTime, sync.wall, Double(transactions.count) / sync.wall, sync.cpu, perTransaction,
            archived - count, ((perTransaction / (baseline ?? perTransaction)) - 1) * 100))
        try? FileManager.default.removeItem(atPath: log)
    }
}
