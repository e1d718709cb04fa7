import Archive
import FiscalCore
import Foundation
import Logging
import Sandbox

// Whole-process sync efficiency (issue 11's judged number): the release `fiscal-archive` executable, as child
// processes, syncs every transaction of an in-process sandbox that delays payment_info, get_fiscal_cheque and the
// receipt site by L each; the wall clock runs from the start of the first `sync` process to the exit of the last, so
// the tool's start-up, migrations check and shutdown are inside the number. The bound is C·W / (3 L) transactions
// per second for W processes of concurrency C.

/// Where a measured archive lives: a fresh SQLite file per run, or a fresh database per run on a PostgreSQL server.
enum BenchTarget: CustomStringConvertible {
    case sqlite
    /// A URL of a role allowed to create databases (e.g. `scripts/with-postgres.sh`'s superuser URL).
    case postgres(admin: String)

    init(_ text: String) throws {
        if text == "sqlite" {
            self = .sqlite
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(admin: text)
        } else {
            throw BenchError("the archive must be `sqlite` or a postgres:// URL of a role that may CREATE DATABASE, not \(text)")
        }
    }

    var description: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// A new, empty archive; returns its FISCAL_ARCHIVE_DB value and how to remove it.
    func freshArchive(_ name: String) throws -> (database: String, remove: () -> Void) {
        switch self {
        case .sqlite:
            let path = temporaryArchivePath(name)
            return (path, { removeArchive(path) })
        case .postgres(let admin):
            let database = "bench_\(name.replacingOccurrences(of: "-", with: "_"))_\(getpid())_\(Int.random(in: 0..<1_000_000))"
            try psql(admin, "CREATE DATABASE \(database)")
            guard var components = URLComponents(string: admin) else { throw BenchError("cannot parse \(admin)") }
            components.path = "/" + database
            guard let url = components.string else { throw BenchError("cannot build a URL from \(admin)") }
            return (url, { _ = try? psql(admin, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)") })
        }
    }
}

/// Runs one SQL statement with `psql` (installed with the server; `scripts/with-postgres.sh` needs it too).
func psql(_ url: String, _ sql: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql]
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchError("psql failed (\(process.terminationStatus)): \(sql)") }
}

/// The machine's load averages, as `uptime` shows them.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
        .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "unknown"
}

/// A loopback sandbox of `count` transactions delaying payment_info, get_fiscal_cheque and the receipt site by
/// `latency` each.
func latencySandbox(count: Int, latency: Duration) async throws -> SandboxServer {
    var logger = Logger(label: "sync-bench")
    logger.logLevel = .critical
    var configuration = SandboxConfiguration(transactionCount: count, recentTransactionCount: 0)
    configuration.gatewayFaults = [
        .paymentInfo: FaultPlan(latency: latency),
        .fiscalCheque: FaultPlan(latency: latency),
    ]
    configuration.receiptFaults = ReceiptFaultPlan(latency: latency)
    return try await SandboxServer.start(configuration: configuration, logger: logger)
}

/// One measured setting: `workers` processes of `sync --concurrency concurrency` over `perSlot`·C·W transactions.
struct WholeProcessSetting {
    var concurrency: Int
    var workers: Int
}

/// Measures each setting `runs` times into fresh archives and prints every run, then the median and the spread.
func runWholeProcess(
    tool: String, target: BenchTarget, settings: [WholeProcessSetting], perSlot: Int, runs: Int, latency: Duration
) async throws {
    guard FileManager.default.isExecutableFile(atPath: tool) else {
        throw BenchError("\(tool) is not an executable: build it with `swift build -c release` at the repository root")
    }
    let L = seconds(latency)
    print("whole process on \(target): `fiscal-archive sync --concurrency C` × W processes, L = \(Int(L * 1000)) ms on "
        + "payment_info, get_fiscal_cheque and the receipt site; \(perSlot) transactions per slot (C·W slots); "
        + "load \(loadAverage())")
    print("   C  W   run      tx   wall s   tx/s   bound   of bound   CPU s  CPU/tx ms  archived  other  load")
    var summaries: [String] = []
    for setting in settings {
        let slots = setting.concurrency * setting.workers
        let sandbox = try await latencySandbox(count: perSlot * slots, latency: latency)
        do {
            let transactions = await sandbox.world.allTransactions
            let csv = NSTemporaryDirectory() + "sync-bench-\(getpid())-process.csv"
            try ("transaction_id,type\n"
                + transactions.map { "\($0.id),\($0.type.rawValue)" }.joined(separator: "\n") + "\n")
                .write(toFile: csv, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: csv) }
            let bound = Double(slots) / (3 * L)
            var rates: [Double] = []
            for run in 1...runs {
                let name = "process-c\(setting.concurrency)-w\(setting.workers)-r\(run)"
                let archive = try target.freshArchive(name)
                defer { archive.remove() }
                let log = NSTemporaryDirectory() + "sync-bench-\(getpid())-\(name).log"
                let track = try runTool(tool, ["track", "--csv", csv], database: archive.database, sandbox: sandbox, log: log)
                guard track.status == 0 else { throw BenchError("track failed: see \(log)") }
                let load = loadAverage()
                let cpuBefore = childrenCPU()
                let started = ContinuousClock.now
                let processes = try (0..<setting.workers).map { _ in
                    try launchTool(
                        tool, ["sync", "--concurrency", String(setting.concurrency)], database: archive.database,
                        sandbox: sandbox, log: log)
                }
                for process in processes { process.waitUntilExit() }
                let wall = seconds(ContinuousClock.now - started)
                let cpu = childrenCPU() - cpuBefore
                guard processes.allSatisfy({ $0.terminationStatus == 0 }) else {
                    throw BenchError("a sync failed (\(processes.map(\.terminationStatus))): see \(log)")
                }
                let status = try runToolOutput(tool, ["status", "--json"], database: archive.database, sandbox: sandbox)
                let archived = archivedCount(status)
                let rate = Double(transactions.count) / wall
                rates.append(rate)
                print(String(format: "%4d %2d  %4d  %6d  %7.2f  %5.1f  %6.1f   %6.1f %%  %6.2f  %8.2f",
                    setting.concurrency, setting.workers, run, transactions.count, wall, rate, bound,
                    rate / bound * 100, cpu, cpu / Double(transactions.count) * 1000)
                    + "  \(archived.map(String.init) ?? "?")  \(archived.map { String(transactions.count - $0) } ?? "?")  \(load)")
                try? FileManager.default.removeItem(atPath: log)
            }
            let sorted = rates.sorted()
            let median = sorted[sorted.count / 2]
            summaries.append("\(target) C = \(setting.concurrency), W = \(setting.workers): " + String(format:
                "median %.1f tx/s = %.1f %% of the bound %.1f (runs %.1f…%.1f %%)",
                median, median / bound * 100, bound, sorted[0] / bound * 100, sorted[sorted.count - 1] / bound * 100))
        } catch {
            await sandbox.shutdown()
            throw error
        }
        await sandbox.shutdown()
    }
    for summary in summaries { print(summary) }
}

/// Runs the tool and returns what it printed on standard output.
func runToolOutput(_ tool: String, _ arguments: [String], database: String, sandbox: SandboxServer) throws -> String {
    let pipe = Pipe()
    let process = toolProcess(
        tool, arguments, database: database, sandbox: sandbox, output: pipe, errors: FileHandle.nullDevice)
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// `counts.archived` of `fiscal-archive status --json`, if it printed one.
func archivedCount(_ status: String) -> Int? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any],
        let counts = object["counts"] as? [String: Any]
    else { return nil }
    return (counts["archived"] as? Int) ?? (counts["archived"] as? NSNumber)?.intValue
}
