import Archive
import ArgumentParser
import FiscalCore
import Foundation
import Reports
import Scheduler
import ServiceLifecycle

extension YearMonth: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

extension ReportLanguage: ExpressibleByArgument {
    public init?(argument: String) { self.init(code: argument) }
}

/// `report --month YYYY-MM --format html|csv|xlsx [--out PATH]`.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a month's register (CSV), report (HTML) or workbook (XLSX).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, csv, xlsx }

    @OptionGroup var options: GlobalOptions
    @Option(help: "The Tashkent calendar month, YYYY-MM.") var month: YearMonth
    @Option(help: "html, csv or xlsx.") var format: Format
    @Option(help: "Where to write it (default reports/YYYY-MM.html, .csv or .xlsx).") var out: String?
    @Option(help: "Report language: en, ru or uz (default FISCAL_ARCHIVE_LANG or en).") var lang: ReportLanguage?

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let archive = try runtime.openArchive()
            let language = lang ?? ReportLanguage(code: runtime.configuration.language) ?? .en
            let path = out ?? (runtime.configuration.reportsDirectory as NSString)
                .appendingPathComponent("\(month).\(format.rawValue)")
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let generator = ReportGenerator()
            let written: WrittenReport
            do {
                // A frozen view: a sync running meanwhile cannot make the two passes of the HTML disagree.
                let snapshot = try archive.registerSnapshot()
                let asOf = try snapshot.lastChangeAt() ?? month.startEpochSeconds
                switch format {
                case .html: written = try generator.writeHTML(month: month, source: snapshot, language: language, asOf: asOf, to: path)
                case .csv: written = try generator.writeCSV(month: month, source: snapshot, language: language, asOf: asOf, to: path)
                case .xlsx: written = try generator.writeXLSX(month: month, source: snapshot, language: language, asOf: asOf, to: path)
                }
            } catch {
                throw Exit.fail("The report for \(month) was not written: \(error)")
            }
            print("Wrote \(written.path) (\(written.rowCount) events; SHA-256 \(written.sha256Hex), also in \(written.path).sha256)")
        }
    }
}

/// `run`: the scheduler, in the foreground until SIGTERM / SIGINT.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The scheduler: sync every interval, export each month on its 1st; optionally serve the web UI.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Also run the web UI and API (as `serve`) in the same process.") var serve = false
    @Option(help: "With --serve: the address to bind.") var host = "127.0.0.1"
    @Option(help: "With --serve: the port.") var port = 8080

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let lock: InstanceLock
            do {
                lock = try InstanceLock(archivePath: runtime.configuration.databasePath)
            } catch {
                throw Exit.fail("\(error)")
            }
            let archive = try runtime.openArchive()
            let scheduler = SchedulerService(
                archive: archive, engine: try runtime.syncEngine(archive: archive),
                configuration: .init(
                    syncInterval: runtime.configuration.syncInterval,
                    calendar: ExportCalendar(hour: runtime.configuration.exportHour),
                    reportsDirectory: runtime.configuration.reportsDirectory,
                    language: ReportLanguage(code: runtime.configuration.language) ?? .en),
                logger: runtime.logger)
            var services: [any Service] = [scheduler]
            if serve {
                services.append(try WebServerFactory.service(runtime: runtime, archive: archive, host: host, port: port))
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: services.map { .init(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: runtime.logger))
            Terminal.error("fiscal-archive run: scheduler started on \(runtime.configuration.databasePath) (SIGTERM or Ctrl-C to stop)")
            try await group.run()
            withExtendedLifetime(lock) {}
        }
    }
}
