import Archive
import FiscalCore
import Foundation

/// A report file that was written, with its checksum and figures.
public struct WrittenReport: Sendable, Hashable {
    /// Where the file is.
    public var path: String
    /// The SHA-256 of the file's bytes, lowercase hex (also in `<path>.sha256`).
    public var sha256Hex: String
    /// Register rows written (events; the CSV header is not counted).
    public var rowCount: Int
    /// The month's figures.
    public var summary: MonthlySummary

    /// Creates a record of a written report.
    public init(path: String, sha256Hex: String, rowCount: Int, summary: MonthlySummary) {
        self.path = path
        self.sha256Hex = sha256Hex
        self.rowCount = rowCount
        self.summary = summary
    }
}

/// Writes a month's CSV register and HTML report from a ``RegisterReader``.
///
/// - Streaming: rows are written while the source is iterated, so memory stays flat however large the month
///   (the summary's exception details are capped at ``exceptionDetailLimit``). Every format reads the month once;
///   the HTML report, whose summary comes first, keeps the register rows it shows (at most
///   ``htmlRegisterRowLimit``) in memory until the month is summed.
/// - Checked: the summary's figures are the database's totals (``MonthlyTotals/of(_:month:)``), compared
///   with the sums of the streamed register to the tiyin before anything is moved into place.
/// - Deterministic: the output depends only on the source and the arguments. `asOf` comes from the caller (the
///   archive's latest change) and the wall clock is never read, so the same archive gives byte-identical files.
/// - Each file is written to `<path>.partial` and moved into place when complete; `<path>.sha256` is written beside
///   it in `sha256sum` format (`<hex>  <file name>\n`).
public struct ReportGenerator: Sendable {
    /// The register rows an HTML report shows by default (`FISCAL_ARCHIVE_HTML_REGISTER_ROWS`).
    public static let defaultHTMLRegisterRows = 5_000

    /// The most exception details of each kind kept in memory and listed in the HTML report; the rest are counted.
    public var exceptionDetailLimit: Int
    /// The most register rows the HTML report shows; beyond them it says where the full register is (the CSV is
    /// never cut). The summary, VAT and daily chart always cover the whole month.
    public var htmlRegisterRowLimit: Int

    /// Creates a generator.
    public init(
        exceptionDetailLimit: Int = MonthlySummaryBuilder.defaultExceptionDetailLimit,
        htmlRegisterRowLimit: Int = ReportGenerator.defaultHTMLRegisterRows
    ) {
        self.exceptionDetailLimit = exceptionDetailLimit
        self.htmlRegisterRowLimit = max(0, htmlRegisterRowLimit)
    }

    /// Aggregates a month without writing anything (one pass).
    public func summarize(month: YearMonth, source: some RegisterReader, asOf: Int64) async throws -> MonthlySummary {
        let chainHead = try await source.chainHead()
        let figures = MonthFigures(source: source, month: month)
        defer { figures.cancel() }
        var builder = MonthlySummaryBuilder(month: month, asOf: asOf, exceptionDetailLimit: exceptionDetailLimit)
        try await source.forEachRegisterEntry(in: month) { entry in
            try builder.add(entry)
        }
        return try await finishedSummary(&builder, figures: figures, month: month, chainHead: chainHead, path: nil)
    }

    /// Writes the CSV register of DESIGN.md (see ``RegisterCSV``) in one pass, summarising as it goes.
    ///
    /// `language` does not change the CSV (its header is fixed); it is accepted so both formats are called alike.
    public func writeCSV(
        month: YearMonth, source: some RegisterReader, language: ReportLanguage = .en, asOf: Int64, to path: String
    ) async throws -> WrittenReport {
        try await writeCSV(month: month, source: source, asOf: asOf, into: try HashingFileWriter(path: path))
    }

    /// The CSV register as bytes, written nowhere (the web UI serves months this way).
    public func renderCSV(month: YearMonth, source: some RegisterReader, asOf: Int64) async throws -> (bytes: [UInt8], report: WrittenReport) {
        let writer = HashingFileWriter(inMemory: "\(month).csv")
        let report = try await writeCSV(month: month, source: source, asOf: asOf, into: writer)
        return (writer.bytes, report)
    }

    /// The HTML report as bytes, written nowhere (the web UI serves months this way).
    public func renderHTML(month: YearMonth, source: some RegisterReader, language: ReportLanguage, asOf: Int64) async throws
        -> (bytes: [UInt8], report: WrittenReport)
    {
        let writer = HashingFileWriter(inMemory: "\(month).html")
        let report = try await writeHTML(month: month, source: source, language: language, asOf: asOf, into: writer, fullRegister: [])
        return (writer.bytes, report)
    }

    private func writeCSV(month: YearMonth, source: some RegisterReader, asOf: Int64, into writer: HashingFileWriter) async throws
        -> WrittenReport
    {
        let chainHead = try await source.chainHead()
        let figures = MonthFigures(source: source, month: month)
        defer { figures.cancel() }
        try writer.write(bytes: RegisterCSV.byteOrderMark)
        try writer.write(RegisterCSV.headerLine)
        var builder = MonthlySummaryBuilder(month: month, asOf: asOf, exceptionDetailLimit: exceptionDetailLimit)
        var line: [UInt8] = []
        line.reserveCapacity(512)
        try await source.forEachRegisterEntry(in: month) { entry in
            try builder.add(entry)
            line.removeAll(keepingCapacity: true)
            RegisterCSV.append(entry, to: &line)
            try writer.write(bytes: line)
        }
        let summary = try await finishedSummary(&builder, figures: figures, month: month, chainHead: chainHead, path: writer.path)
        let hex = try writer.finish()
        return WrittenReport(path: writer.path, sha256Hex: hex, rowCount: summary.eventCount, summary: summary)
    }

    /// Writes the self-contained HTML report: header, summary, daily chart, exceptions, register.
    ///
    /// - Throws: ``ReportError`` with code `totalsDiffer` if the source's totals differ from its register's sums
    ///   (call it on a consistent snapshot of the archive).
    ///
    /// `fullRegister`: the files with the whole register written beside this one, named when the register is cut.
    public func writeHTML(
        month: YearMonth, source: some RegisterReader, language: ReportLanguage, asOf: Int64, to path: String,
        fullRegister: [WrittenReport] = [], changes: RegisterChanges? = nil,
        corrections: [MonthlyExport.Correction] = []
    ) async throws -> WrittenReport {
        try await writeHTML(
            month: month, source: source, language: language, asOf: asOf, into: try HashingFileWriter(path: path),
            fullRegister: fullRegister, changes: changes, corrections: corrections)
    }

    private func writeHTML(
        month: YearMonth, source: some RegisterReader, language: ReportLanguage, asOf: Int64,
        into writer: HashingFileWriter, fullRegister: [WrittenReport], changes: RegisterChanges? = nil,
        corrections: [MonthlyExport.Correction] = []
    ) async throws -> WrittenReport {
        let path = writer.path
        // One pass: the summary is printed first, so the rows the register shows (at most `limit`) wait in memory
        // until the month has been read and summed.
        let chainHead = try await source.chainHead()
        let figures = MonthFigures(source: source, month: month)
        defer { figures.cancel() }
        var builder = MonthlySummaryBuilder(month: month, asOf: asOf, exceptionDetailLimit: exceptionDetailLimit)
        var shownRows: [(entry: RegisterEntry, kinds: [ReportException.Kind])] = []
        var number = 0
        let limit = htmlRegisterRowLimit
        try await source.forEachRegisterEntry(in: month) { entry in
            let exceptions = try builder.add(entry)
            number += 1
            if number <= limit { shownRows.append((entry, exceptions.map(\.kind))) }
        }
        let summary = try await finishedSummary(&builder, figures: figures, month: month, chainHead: chainHead, path: path)
        let renderer = HTMLReportRenderer(summary: summary, language: language)
        try writer.write(renderer.documentStart())
        if let changes { try writer.write(renderer.changesSection(changes)) }
        try writer.write(renderer.summarySection())
        if !corrections.isEmpty { try writer.write(renderer.correctionsSection(corrections)) }
        try writer.write(renderer.dailySection())
        try writer.write(renderer.exceptionsSection())
        try writer.write(renderer.registerStart())
        for (index, row) in shownRows.enumerated() {
            try writer.write(renderer.registerRow(number: index + 1, entry: row.entry, kinds: row.kinds))
        }
        try writer.write(renderer.registerEnd(rowCount: number, shown: min(number, limit), fullRegister: fullRegister))
        let fileName = (path as NSString).lastPathComponent
        try writer.write(renderer.documentEnd(fileName: fileName))
        let hex = try writer.finish()
        return WrittenReport(path: path, sha256Hex: hex, rowCount: number, summary: summary)
    }
}
