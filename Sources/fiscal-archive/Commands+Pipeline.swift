import Archive
import ArgumentParser
import FiscalCore
import Foundation
import Operations
import Sync

/// `track --type payment|p2p ID...`, `track --csv FILE [--delimiter D]` or `track --xlsx FILE [--sheet NAME]`.
struct Track: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Start archiving transactions: ids on the command line, a CSV file or an Excel workbook.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "payment or p2p (for ids given on the command line).") var type: TransactionType?
    @Option(help: "A CSV file with columns transaction_id, type[, vendor_order_id] (or their Russian/Uzbek names).")
    var csv: String?
    @Option(help: "With --csv: the field separator: comma, semicolon or tab (found from the header row if not given).")
    var delimiter: String?
    @Option(help: "An Excel workbook (.xlsx) with the same columns.") var xlsx: String?
    @Option(help: "With --xlsx: the sheet to read (the first if not given).") var sheet: String?
    @Argument(help: "Transaction ids.") var ids: [String] = []

    func validate() throws {
        let sources = [csv != nil, xlsx != nil, !ids.isEmpty].filter { $0 }.count
        if sources > 1 { throw ValidationError("Give one of --csv FILE, --xlsx FILE or ids.") }
        if sources == 0 { throw ValidationError("Give transaction ids (with --type), --csv FILE or --xlsx FILE.") }
        if csv == nil && xlsx == nil && type == nil { throw ValidationError("Ids need --type payment or --type p2p.") }
        if delimiter != nil && csv == nil { throw ValidationError("--delimiter goes with --csv.") }
        if sheet != nil && xlsx == nil { throw ValidationError("--sheet goes with --xlsx.") }
        if let delimiter, Self.separator(delimiter) == nil {
            throw ValidationError("--delimiter must be comma, semicolon or tab (or the character itself), not \"\(delimiter)\".")
        }
        for id in ids where TransactionID(parsing: id) == nil {
            throw ValidationError("\"\(id)\" is not a transaction id (a positive whole number).")
        }
    }

    static func separator(_ text: String) -> Character? {
        switch text.lowercased() {
        case ",", "comma": ","
        case ";", "semicolon": ";"
        case "\t", "\\t", "tab": "\t"
        default: nil
        }
    }

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let requests: [TrackRequest]
            if let path = csv ?? xlsx {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw Exit.fail("Cannot read \(path)")
                }
                let imported: TransactionImport
                do {
                    if csv != nil {
                        imported = try TransactionCSV.read(Array(data), file: path, delimiter: delimiter.flatMap(Self.separator))
                    } else {
                        imported = try TransactionXLSX.read(Array(data), file: path, sheet: sheet)
                    }
                } catch {
                    throw Exit.fail("\(error)")
                }
                for note in imported.notes { Terminal.error(note) }
                requests = imported.requests
            } else {
                requests = ids.compactMap(TransactionID.init(parsing:)).map { TrackRequest(id: $0, type: type ?? .payment) }
            }
            let archive = try await runtime.openArchive()
            let summary: TrackSummary
            do {
                summary = try await archive.track(requests, now: Runtime.now())
            } catch {
                throw Exit.fail("Nothing was tracked: \(error)")
            }
            print("Tracked \(summary.added) new transaction(s); \(summary.alreadyKnown) already known.")
        }
    }
}

extension TransactionType: ExpressibleByArgument {}

/// `sync [--concurrency N] [--wait [--max-wait SECONDS]]`.
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run the pipeline until nothing is due (with --wait: until nothing is due or waiting).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Transactions processed at once.") var concurrency: Int?
    @Flag(help: "Also wait for transactions that are not ready yet.") var wait = false
    @Option(help: "With --wait: give up waiting after this many seconds.") var maxWait: Int64?
    @Flag(help: "First put failed transactions back in the queue (their last reason is shown).") var retryFailed = false

    func validate() throws {
        if let concurrency, !(1...256).contains(concurrency) { throw ValidationError("--concurrency must be 1…256.") }
        if maxWait != nil && !wait { throw ValidationError("--max-wait goes with --wait.") }
        if let maxWait, maxWait < 0 { throw ValidationError("--max-wait must not be negative.") }
    }

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let archive = try await runtime.openArchive()
            if retryFailed {
                let requeued = try await archive.retryFailed(now: Runtime.now())
                print(requeued.isEmpty ? "No failed transactions." : "Back in the queue: \(requeued.count) failed transaction(s).")
                for failed in requeued.prefix(50) {
                    print("  \(failed.id) (failed: \(Terminal.visible(failed.reason ?? "no reason recorded")))")
                }
                if requeued.count > 50 { print("  … and \(requeued.count - 50) more") }
            }
            // Money operations whose answer was lost are checked on their schedule by every sync.
            let settled = try await runtime.operations(archive: archive).settleDue()
            _ = OperationText.printSettled(settled)
            let engine = try runtime.syncEngine(archive: archive, concurrency: concurrency)
            let summary = try await SyncRunner.run(engine, wait: wait, maxWait: maxWait)
            SyncRunner.printSummary(summary)
        }
    }
}

/// Shared by `sync`, `demo` and `run`: runs the engine with a progress display and prints a summary.
enum SyncRunner {
    static func run(_ engine: SyncEngine, wait: Bool = false, maxWait: Int64? = nil) async throws -> SyncSummary {
        let display = ProgressDisplay()
        let summary = try await engine.run(wait: wait, maxWait: maxWait, progress: { progress in
            display.update(
                processed: progress.processed, expected: progress.expected, archived: progress.archived,
                waiting: progress.waiting, failed: progress.failed, rate: progress.rate, eta: progress.eta)
        })
        display.finish()
        return summary
    }

    static func printSummary(_ summary: SyncSummary) {
        let p = summary.progress
        print(String(format: "Sync %@: %d processed in %.1f s (%.1f/s): %d archived, %d waiting, %d failed; %d re-checked, %d status change(s).",
            summary.interrupted ? "interrupted" : "done", p.processed, p.elapsed, p.rate, p.archived, p.waiting, p.failed,
            p.rechecked, p.changes))
        for (id, reason) in summary.failures.prefix(20) { print("  failed  \(id): \(Terminal.visible(reason))") }
        if summary.failures.count > 20 { print("  … and \(summary.failures.count - 20) more failed (see `fiscal-archive status`)") }
        for (id, reason, next) in summary.waiting.prefix(20) {
            print("  waiting \(id): \(Terminal.visible(reason)) (next attempt \(Tashkent.iso8601(epochSeconds: next)))")
        }
        if summary.waiting.count > 20 { print("  … and \(summary.waiting.count - 20) more waiting (see `fiscal-archive status`)") }
    }
}

/// `status`.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "The queue by state, last sync, last export, failures.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Machine-readable output.") var json = false

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let archive = try await runtime.openArchive()
            let status = try await archive.status(now: Runtime.now())
            print(StatusText.render(status, json: json))
        }
    }
}

/// `reparse`: rebuilds receipts from the stored originals (after a parser fix).
struct Reparse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reparse", abstract: "Rebuild parsed receipts from the stored originals.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let archive = try await runtime.openArchive()
            let summary = try await archive.reparse({ original in
                let result = try ReceiptDocument.parse(original)
                return try ParsedOriginal(
                    receipt: result.receipt, warnings: result.warnings.map(\.description), for: original.transactionID)
            }, now: Runtime.now())
            print("Reparsed \(summary.rebuilt) original(s): \(summary.changed) receipt(s) changed, "
                + "\(summary.recovered.count) that had never parsed now do, \(summary.failures.count) still unreadable.")
            if !summary.recovered.isEmpty {
                print("Back in the queue (the next `sync` finishes them): "
                    + summary.recovered.map(\.description).joined(separator: ", "))
            }
            for failure in summary.failures.prefix(50) {
                print("  unreadable: original \(failure.originalID) of \(failure.transactionID): "
                    + Terminal.visible(failure.reason))
            }
            if summary.failures.count > 50 { print("  … and \(summary.failures.count - 50) more") }
        }
    }
}
