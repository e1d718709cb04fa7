import Archive
import ArgumentParser
import FiscalCore
import Foundation
import Reports
import ServiceLifecycle
import WebUI

/// `serve [--host 127.0.0.1] [--port 8080]`: the auditors' web UI and the JSON API.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the auditors' web UI and JSON API (binding beyond loopback needs FISCAL_ARCHIVE_WEB_TOKEN).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The port.") var port = 8080

    func validate() throws {
        if !(1...65535).contains(port) { throw ValidationError("--port must be 1…65535.") }
    }

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let archive = try await runtime.openArchive()
            let service = try WebServerFactory.service(runtime: runtime, archive: archive, host: host, port: port)
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: runtime.logger))
            Terminal.error("fiscal-archive serve: http://\(host):\(port)/ (Ctrl-C to stop)")
            try await group.run()
        }
    }
}

/// Builds the web application from the runtime's configuration, with monthly reports generated on demand.
enum WebServerFactory {
    static func service(runtime: Runtime, archive: any ArchiveStore, host: String, port: Int) throws -> any Service {
        let htmlRows = runtime.configuration.htmlRegisterRows
        let language = ReportLanguage(code: runtime.configuration.language) ?? .en
        let configuration = WebConfiguration(
            host: host, port: port, token: runtime.configuration.webToken,
            reportRenderer: { month, format in
                try await WebReports.render(month: month, format: format, archive: archive, language: language, htmlRows: htmlRows)
            },
            metricsRenderer: { try await AppMetrics.render(archive: archive, now: Int64(Date().timeIntervalSince1970)) })
        do {
            return try buildWebApplication(archive: archive, configuration: configuration, logger: runtime.logger)
        } catch {
            throw Exit.fail("The web server was not started: \(error)")
        }
    }
}

/// The web UI's reports: rendered into a temporary directory that is removed afterwards, so that a `GET` leaves
/// nothing behind (the reports folder belongs to `report` and `run`).
enum WebReports {
    /// The month's report as bytes, rendered in memory: browsing never writes a file, so an exported month stays
    /// byte-identical however often it is viewed.
    static func render(
        month: YearMonth, format: WebConfiguration.ReportFormat, archive: any ArchiveStore, language: ReportLanguage,
        htmlRows: Int = ReportGenerator.defaultHTMLRegisterRows
    ) async throws -> [UInt8] {
        // A frozen view: a sync committing meanwhile cannot make the two passes of the HTML disagree.
        let snapshot = try await archive.registerSnapshot()
        let asOf = try await snapshot.lastChangeAt() ?? month.startEpochSeconds
        let generator = ReportGenerator(htmlRegisterRowLimit: htmlRows)
        switch format {
        case .html: return try await generator.renderHTML(month: month, source: snapshot, language: language, asOf: asOf).bytes
        case .csv: return try await generator.renderCSV(month: month, source: snapshot, asOf: asOf).bytes
        }
    }
}
