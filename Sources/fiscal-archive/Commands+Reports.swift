import Archive
import ArgumentParser
import FiscalCore
import Foundation
import Operations
import PostgresArchive
import Reports
import Scheduler
import ServiceLifecycle
import WebUI

extension YearMonth: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

extension ReportLanguage: ExpressibleByArgument {
    public init?(argument: String) { self.init(code: argument) }
}

/// `report --month YYYY-MM --format html|csv|xlsx [--out PATH] [--export]`.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a month's register (CSV), report (HTML) or workbook (XLSX), or export the month (--export).",
        discussion: "Without --out the file is a working copy, reports/YYYY-MM.draft.html, .csv or .xlsx. --export "
            + "writes the month's export (every format) as `run` does: never overwritten; when the archive has changed "
            + "since the last export, a new revision YYYY-MM.rN.* that lists what changed.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, csv, xlsx }

    @OptionGroup var options: GlobalOptions
    @Option(help: "The Tashkent calendar month, YYYY-MM.") var month: YearMonth
    @Option(help: "html, csv or xlsx (not with --export, which writes them all).") var format: Format?
    @Option(help: "Where to write it (default reports/YYYY-MM.draft.html, .csv or .xlsx).") var out: String?
    @Flag(help: "Write the month's export into the reports folder (a new revision if the archive changed).")
    var export = false
    @Option(help: "Report language: en, ru or uz (default FISCAL_ARCHIVE_LANG or en).") var lang: ReportLanguage?

    func validate() throws {
        if export && (format != nil || out != nil) { throw ValidationError("--export writes every format into the reports folder: drop --format and --out.") }
        if !export && format == nil { throw ValidationError("Give --format html, csv or xlsx (or --export).") }
    }

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let archive = try await runtime.openArchive()
            let language = lang ?? ReportLanguage(code: runtime.configuration.language) ?? .en
            let generator = ReportGenerator(htmlRegisterRowLimit: runtime.configuration.htmlRegisterRows)
            let reports = runtime.configuration.reportsDirectory
            if export {
                let result: MonthlyExport.Result
                do {
                    result = try await MonthlyExport.export(
                        month: month, archive: archive, directory: reports, language: language, generator: generator)
                } catch {
                    throw Exit.fail("The export of \(month) was not written: \(error)")
                }
                ReportText.printExport(month, result)
                return
            }
            guard let format else { return }
            let path = out ?? (reports as NSString).appendingPathComponent("\(month).draft.\(format.rawValue)")
            if ReportText.isExportFile(path, reportsDirectory: reports) {
                throw Exit.fail("\(path) is an export, which is never overwritten: use `--export` for a new revision, or another --out.")
            }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let written: WrittenReport
            do {
                // A frozen view: a sync running meanwhile cannot make the two passes of the HTML disagree.
                let snapshot = try await archive.registerSnapshot()
                let asOf = try await snapshot.lastChangeAt() ?? month.startEpochSeconds
                switch format {
                case .html: written = try await generator.writeHTML(month: month, source: snapshot, language: language, asOf: asOf, to: path)
                case .csv: written = try await generator.writeCSV(month: month, source: snapshot, language: language, asOf: asOf, to: path)
                case .xlsx: written = try await generator.writeXLSX(month: month, source: snapshot, language: language, asOf: asOf, to: path)
                }
            } catch {
                throw Exit.fail("The report for \(month) was not written: \(error)")
            }
            print("Wrote \(written.path) (\(written.rowCount) events; SHA-256 \(written.sha256Hex), also in \(written.path).sha256)")
        }
    }
}

/// Texts shared by `report --export`, `run` and `demo`.
enum ReportText {
    static func printExport(_ month: YearMonth, _ result: MonthlyExport.Result) {
        for correction in result.corrections {
            let changes = correction.changes
            print("\(correction.month): changed since its export — revision \(correction.revision) written "
                + "(\(changes.count(of: .added)) added, \(changes.count(of: .removed)) removed, "
                + "\(changes.count(of: .changed)) changed); listed in \(month)'s corrections")
        }
        if !result.isNew {
            print("\(month): unchanged since revision \(result.revision) (\(result.html.path), \(result.csv.path)); nothing written.")
            return
        }
        let files = [result.html.path, result.csv.path] + (result.xlsx.map { [$0.path] } ?? [])
        var line = "\(month): revision \(result.revision): \(files.joined(separator: ", ")) — "
            + "\(result.csv.summary.eventCount) events, \(result.csv.summary.exceptions.total) exception(s)"
        if let changes = result.changes {
            line += "; since revision \(changes.previousRevision): \(changes.count(of: .added)) added, "
                + "\(changes.count(of: .removed)) removed, \(changes.count(of: .changed)) changed (\(result.changesPath ?? ""))"
        }
        print(line)
    }

    /// Whether `path` is one of the export files in the reports folder (`YYYY-MM[.rN].html|csv|xlsx` there).
    static func isExportFile(_ path: String, reportsDirectory: String) -> Bool {
        let file = URL(fileURLWithPath: path).standardizedFileURL
        let folder = URL(fileURLWithPath: reportsDirectory).standardizedFileURL
        guard file.deletingLastPathComponent().path == folder.path,
            FileManager.default.fileExists(atPath: file.path)
        else { return false }
        let name = file.lastPathComponent
        guard let dot = name.firstIndex(of: "."), YearMonth(parsing: String(name[..<dot])) != nil else { return false }
        var rest = name[name.index(after: dot)...]
        if rest.hasPrefix("r"), let next = rest.firstIndex(of: "."), Int(rest.dropFirst().prefix(upTo: next)) != nil {
            rest = rest[rest.index(after: next)...]
        }
        return ["html", "csv", "xlsx"].contains(String(rest))
    }
}

/// `run`: the scheduler, in the foreground until SIGTERM / SIGINT.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The scheduler: sync every interval, export each month on its 1st; optionally serve the web UI.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Also run the web UI and API (as `serve`) in the same process.") var serve = false
    @Option(help: "With --serve: the address to bind.") var host = "127.0.0.1"
    @Option(help: "With --serve: the port.") var port = 8080
    @Option(help: "Serve Prometheus metrics (GET /metrics only) on this port of --host, without the web UI.")
    var metricsPort: Int?

    func validate() throws {
        if !(1...65535).contains(port) { throw ValidationError("--port must be 1…65535.") }
        if let metricsPort, !(1...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 1…65535.") }
        if serve, metricsPort == port { throw ValidationError("--metrics-port must differ from --port (the web UI has /metrics).") }
    }

    func run() async throws {
        try await Runtime.with(options) { runtime in
            // One `run` per archive file on a host; on PostgreSQL several `run`s share the archive (the export is
            // leased to one of them, the others sync).
            var lock: InstanceLock?
            if !PostgresArchiveConfiguration.isURL(runtime.configuration.databasePath) {
                do {
                    lock = try InstanceLock(archivePath: runtime.configuration.databasePath)
                } catch {
                    throw Exit.fail("\(error)")
                }
            }
            let archive = try await runtime.openArchive()
            let operations = try runtime.operations(archive: archive)
            let logger = runtime.logger
            let scheduler = SchedulerService(
                archive: archive, engine: try runtime.syncEngine(archive: archive),
                configuration: .init(
                    syncInterval: runtime.configuration.syncInterval,
                    calendar: ExportCalendar(hour: runtime.configuration.exportHour),
                    reportsDirectory: runtime.configuration.reportsDirectory,
                    language: ReportLanguage(code: runtime.configuration.language) ?? .en,
                    generator: ReportGenerator(htmlRegisterRowLimit: runtime.configuration.htmlRegisterRows)),
                logger: runtime.logger,
                beforeSync: {
                    // Money operations whose answer was lost are checked on their schedule every round.
                    do {
                        for (record, outcome) in try await operations.settleDue() {
                            logger.notice("Pending operation checked", metadata: [
                                "operation.id": "\(record.id)", "operation.outcome": "\(outcome)",
                            ])
                        }
                        return try await operations.nextSettleCheck()
                    } catch {
                        logger.error("Settling pending operations failed", metadata: ["error": "\(error)"])
                        return nil
                    }
                })
            var services: [any Service] = [scheduler]
            if serve {
                services.append(try WebServerFactory.service(runtime: runtime, archive: archive, host: host, port: port))
            }
            if let metricsPort {
                services.append(buildMetricsApplication(
                    host: host, port: metricsPort,
                    renderer: { try await AppMetrics.render(archive: archive, now: Int64(Date().timeIntervalSince1970)) },
                    logger: runtime.logger))
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: services.map { .init(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: runtime.logger))
            Terminal.error("fiscal-archive run: scheduler started on \(archive.location) (SIGTERM or Ctrl-C to stop)")
            try await group.run()
            withExtendedLifetime(lock) {}
        }
    }
}
