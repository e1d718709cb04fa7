import Archive
import AsyncHTTPClient
import FiscalCore
import Foundation
import Logging
import PaySysClient
import ReceiptFetcher
import ReceiptParser
import SQLiteArchive
import Sandbox
import Sync

// Usage (from this folder, release build):
//   swift run -c release SyncBench ingest [PAGES] [W]      ingest pages/s and pages per CPU-second (default 2000
//                                                          pages, W = 16 workers as `sync --concurrency 16`)
//   swift run -c release SyncBench efficiency [COUNT]      sync throughput against C/(3L), L = 50 ms, C = 16, 32, 64
//   swift run -c release SyncBench cpu TOOL [NEW] [SEEDS] [sqlite|URL]
//                                                          CPU of a whole `fiscal-archive sync` process per
//                                                          transaction, NEW new ones (default 2000) into archives
//                                                          already holding SEEDS (default 2000,20000,200000), SQLite
//                                                          files or fresh PostgreSQL databases
//   swift run -c release SyncBench process TOOL DB [C,C,...] [PER_SLOT] [RUNS]
//                                                          whole process: TOOL `sync --concurrency C` against a
//                                                          sandbox with L = 50 ms (default C = 16,32,64, 40·C
//                                                          transactions, 3 runs); DB is `sqlite` or a postgres:// URL
//                                                          of a role that may CREATE DATABASE (fresh one per run)
//   swift run -c release SyncBench workers TOOL URL [W,W,...] [PER_SLOT] [RUNS] [C]
//                                                          W processes of `sync --concurrency C` at once on one fresh
//                                                          PostgreSQL database (default W = 1,2,4, C = 16,
//                                                          40·C·W transactions)
//   swift run -c release SyncBench                         ingest and efficiency
//
// a. ingest: parse + hash + compress + commit (one trip per page, as the sync does) N sandbox-rendered legacy pages,
//    by W concurrent workers with no network time (W = 1: one page after the other); pages/s (wall) and pages per
//    CPU-second of the process; median of 5 runs.
// b. efficiency: a loopback sandbox with 50 ms latency on payment_info, get_fiscal_cheque and the receipt site,
//    SyncEngine.run() at each concurrency; ideal = C / (3 L).
// d. process / workers: like b., but the real executable as W child processes, timed from the first start to the last
//    exit (start-up included), fresh archive per run; tx/s against the bound C·W / (3 L); median and spread of RUNS.
// c. cpu: the real executable (TOOL, built with `swift build -c release`) syncs against an in-process sandbox with no
//    latency; its CPU (user + system, from the kernel's accounting of the waited-for child) over the transactions.

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func temporaryArchivePath(_ name: String) -> String {
    let directory = NSTemporaryDirectory() + "sync-bench-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/\(name)-\(UUID().uuidString).sqlite"
}

func removeArchive(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

struct Page {
    var url: String
    var html: [UInt8]
    var total: Money
    var date: Int64
}

/// Hands out claimed jobs and the page each one archives, claiming the next batch (32, as the sync does) when the
/// last one is used up.
actor IngestFeed {
    let archive: SQLiteArchiveStore
    let pages: [Page]
    let now: Int64
    var jobs: [PipelineJob] = []
    var handedOut = 0

    init(archive: SQLiteArchiveStore, pages: [Page], now: Int64) {
        self.archive = archive
        self.pages = pages
        self.now = now
    }

    func next() async throws -> (PipelineJob, Page)? {
        while jobs.isEmpty {
            guard handedOut < pages.count else { return nil }
            let claimed = try await archive.claimJobs(limit: 32, now: now, worker: "ingest", lease: 600)
            if claimed.isEmpty && jobs.isEmpty { return nil }
            jobs += claimed
        }
        let job = jobs.removeFirst()
        let page = pages[handedOut]
        handedOut += 1
        return (job, page)
    }
}

/// One ingest run over `pages` into a fresh archive, one trip per page as the sync makes it, by `workers`
/// concurrent workers (as `sync --concurrency` runs them, with no network time): each parses, hashes and
/// compresses its page, then commits its trip; returns the seconds. With one worker, pages are archived one after
/// the other; with several, parses overlap commits and the trips that finish together share a commit.
func ingest(_ pages: [Page], workers: Int) async throws -> Double {
    let path = temporaryArchivePath("ingest")
    defer { removeArchive(path) }
    let archive = try SQLiteArchiveStore(path: path)
    let now = Int64(Date().timeIntervalSince1970)
    let clock = ContinuousClock()
    let started = clock.now
    let ids = pages.indices.map { TransactionID(Int64(1_000_000 + $0)) }
    _ = try await archive.track(ids.map { TrackRequest(id: $0, type: .payment) }, now: now)
    let feed = IngestFeed(archive: archive, pages: pages, now: now)
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<workers {
            group.addTask {
                while let (job, page) = try await feed.next() {
                    let parsed = try ReceiptPageParser.parse(
                        html: page.html, reference: try? ReceiptReference(url: page.url))
                    let original = try PreparedOriginal(
                        OriginalDocument(
                            bytes: page.html, url: page.url, httpStatus: 200,
                            contentType: "text/html; charset=utf-8", fetchedAt: now, format: .html),
                        parsed: try ParsedOriginal(
                            receipt: parsed.receipt, warnings: parsed.warnings.map(\.description), for: job.id))
                    let trip = PipelineTrip(
                        payment: PaymentSnapshot(amount: page.total, status: .completed, date: page.date),
                        links: .init(url: page.url, refundURLs: []), originals: [original], end: .archived)
                    let state = try await archive.commit(trip, of: job.id, lease: job.lease, now: now)
                    guard state == .archived else { throw BenchError("transaction \(job.id) ended \(state)") }
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = seconds(clock.now - started)
    let archived = try await archive.status(now: now).countsByState[.archived] ?? 0
    guard archived == pages.count else { throw BenchError("\(archived) of \(pages.count) pages archived") }
    return elapsed
}

func runIngest(count: Int, workers: Int) async throws {
    let world = SandboxWorld(configuration: SandboxConfiguration(transactionCount: count))
    var specs: [(SandboxReceiptSpec, Int64)] = []
    for transaction in await world.allTransactions {
        if let spec = transaction.receipt { specs.append((spec, transaction.date)) }
    }
    guard !specs.isEmpty else { throw BenchError("the sandbox rendered no receipts") }
    var pages: [Page] = []
    var bytes = 0
    for index in 0..<count {
        let (spec, date) = specs[index % specs.count]
        let html = Array(SandboxReceipts.legacyPage(SandboxReceipts.receipt(for: spec)).utf8)
        bytes += html.count
        pages.append(Page(url: await world.receiptURL(spec), html: html, total: spec.total, date: date))
    }
    var times: [Double] = []
    var cpuTimes: [Double] = []
    for run in 1...5 {
        let cpuBefore = processCPU()
        let time = try await ingest(pages, workers: workers)
        let cpu = processCPU() - cpuBefore
        times.append(time)
        cpuTimes.append(cpu)
        print(String(format: "  ingest run %d: %.2f s wall, %.2f s CPU: %.0f pages/s, %.0f pages per CPU second",
            run, time, cpu, Double(count) / time, Double(count) / cpu))
    }
    let medianCPU = cpuTimes.sorted()[cpuTimes.count / 2]
    print(String(format: "ingest CPU: median %.2f s = %.0f pages per CPU second (%.2f ms per page)",
        medianCPU, Double(count) / medianCPU, medianCPU / Double(count) * 1000))
    let median = times.sorted()[times.count / 2]
    print(String(format: "ingest (%d workers): %d pages (%.1f KB average), median of 5: %.2f s = %.0f pages/s (%.2f MB/s of HTML)",
        workers, count, Double(bytes) / Double(count) / 1024, median, Double(count) / median,
        Double(bytes) / median / 1_048_576))
}

func runSync(concurrencies: [Int], count: Int, latency: Duration) async throws {
    var logger = Logger(label: "sync-bench")
    logger.logLevel = .critical
    let sandbox = try await latencySandbox(count: count, latency: latency)
    var http = HTTPClient.Configuration()
    // As the tool's runtime: enough pooled connections per host for the sync's concurrency.
    http.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
    http.redirectConfiguration = .disallow
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    let gateway = PaySysClient(
        configuration: .init(
            endpoint: sandbox.gatewayURL,
            credentials: PaySysCredentials(serviceID: sandbox.serviceID, secretKey: sandbox.secretKey),
            requestTimeout: .seconds(10)),
        httpClient: httpClient, logger: logger)
    let fetcher = ReceiptFetcher(
        configuration: .init(
            allowlist: HostAllowlist([HostAllowlist.Entry(host: "127.0.0.1", port: sandbox.port)]),
            timeout: .seconds(10), requestsPerSecond: 0,
            jsonAPI: .init(url: sandbox.receiptAPIURL, signingKey: sandbox.configuration.receiptAPIKey)),
        httpClient: httpClient, logger: logger)
    let transactions = await sandbox.world.allTransactions
    let L = seconds(latency)
    print(String(format: "sync: %d transactions, latency L = %.0f ms on payment_info, get_fiscal_cheque and the receipt page",
        transactions.count, L * 1000))
    print("  C   elapsed    archived  other   tx/s    ideal C/(3L)   of ideal")
    do {
        for concurrency in concurrencies {
            let path = temporaryArchivePath("sync-c\(concurrency)")
            defer { removeArchive(path) }
            let archive = try SQLiteArchiveStore(path: path)
            _ = try await archive.track(
                transactions.map { TrackRequest(id: $0.id, type: $0.type, vendorOrderID: $0.vendorUserID) },
                now: Int64(Date().timeIntervalSince1970))
            let engine = SyncEngine(
                archive: archive, gateway: gateway, fetcher: fetcher,
                configuration: SyncConfiguration(
                    concurrency: concurrency, retryInitial: 1, retryMax: 2, receiptDeadline: 604_800,
                    worker: "bench-\(concurrency)"),
                logger: logger)
            let clock = ContinuousClock()
            let started = clock.now
            let summary = try await engine.run()
            let elapsed = seconds(clock.now - started)
            let rate = Double(transactions.count) / elapsed
            let ideal = Double(concurrency) / (3 * L)
            let p = summary.progress
            print(String(format: "%3d  %7.2f s  %8d  %5d  %6.1f  %12.1f   %6.0f %%",
                concurrency, elapsed, p.archived, p.waiting + p.failed, rate, ideal, rate / ideal * 100))
        }
    } catch {
        try? await httpClient.shutdown()
        await sandbox.shutdown()
        throw error
    }
    try? await httpClient.shutdown()
    await sandbox.shutdown()
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

let arguments = Array(CommandLine.arguments.dropFirst())
print("SyncBench (\(ProcessInfo.processInfo.operatingSystemVersionString), \(ProcessInfo.processInfo.activeProcessorCount) cores, release)")
switch arguments.first {
case "ingest":
    try await runIngest(
        count: arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000,
        workers: arguments.count > 2 ? Int(arguments[2]) ?? 16 : 16)
case "efficiency":
    try await runSync(
        concurrencies: [16, 32, 64], count: arguments.count > 1 ? Int(arguments[1]) ?? 1500 : 1500,
        latency: .milliseconds(50))
case "process":
    // process TOOL sqlite|POSTGRES_ADMIN_URL [CONCURRENCIES] [PER_SLOT] [RUNS]
    guard arguments.count > 2 else { throw BenchError("usage: SyncBench process TOOL sqlite|URL [C,C,...] [PER_SLOT] [RUNS]") }
    let concurrencies = arguments.count > 3 ? arguments[3].split(separator: ",").compactMap { Int($0) } : [16, 32, 64]
    try await runWholeProcess(
        tool: arguments[1], target: try BenchTarget(arguments[2]),
        settings: concurrencies.map { WholeProcessSetting(concurrency: $0, workers: 1) },
        perSlot: arguments.count > 4 ? Int(arguments[4]) ?? 40 : 40, runs: arguments.count > 5 ? Int(arguments[5]) ?? 3 : 3,
        latency: .milliseconds(50))
case "workers":
    // workers TOOL POSTGRES_ADMIN_URL [WORKER_COUNTS] [PER_SLOT] [RUNS] [C], each worker `sync --concurrency C`
    guard arguments.count > 2 else {
        throw BenchError("usage: SyncBench workers TOOL URL [W,W,...] [PER_SLOT] [RUNS] [C]")
    }
    let counts = arguments.count > 3 ? arguments[3].split(separator: ",").compactMap { Int($0) } : [1, 2, 4]
    let concurrency = arguments.count > 6 ? Int(arguments[6]) ?? 16 : 16
    try await runWholeProcess(
        tool: arguments[1], target: try BenchTarget(arguments[2]),
        settings: counts.map { WholeProcessSetting(concurrency: concurrency, workers: $0) },
        perSlot: arguments.count > 4 ? Int(arguments[4]) ?? 40 : 40, runs: arguments.count > 5 ? Int(arguments[5]) ?? 3 : 3,
        latency: .milliseconds(50))
case "cpu":
    // cpu TOOL [NEW] [SEEDS] [sqlite|POSTGRES_ADMIN_URL]
    guard arguments.count > 1 else { throw BenchError("usage: SyncBench cpu TOOL [NEW] [SEEDS] [sqlite|URL]") }
    let new = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000
    let seeds = arguments.count > 3
        ? arguments[3].split(separator: ",").compactMap { Int($0) } : [2_000, 20_000, 200_000]
    try await runProcessCPU(
        tool: arguments[1], new: new, seeds: seeds, target: try BenchTarget(arguments.count > 4 ? arguments[4] : "sqlite"))
default:
    try await runIngest(count: 2000, workers: 16)
    try await runSync(concurrencies: [16, 32, 64], count: 1500, latency: .milliseconds(50))
}
