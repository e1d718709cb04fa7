import Archive
import FiscalCore
import Spreadsheet

extension ReportGenerator {
    /// Writes the month as a workbook (see ``RegisterWorkbook``), with its `.sha256` beside it.
    ///
    /// Unlike the CSV and HTML writers this one holds the month's register rows in memory: a ZIP entry is
    /// compressed from a whole part. A month of a million events takes a few hundred megabytes.
    public func writeXLSX(
        month: YearMonth, source: some RegisterReader, language: ReportLanguage, asOf: Int64, to path: String
    ) async throws -> WrittenReport {
        let chainHead = try await source.chainHead()
        var builder = MonthlySummaryBuilder(month: month, asOf: asOf, exceptionDetailLimit: exceptionDetailLimit)
        var entries: [RegisterEntry] = []
        try await source.forEachRegisterEntry(in: month) { entry in
            try builder.add(entry)
            entries.append(entry)
        }
        let summary = builder.finish(chainHead: chainHead, vat: try await source.vatBreakdown(in: month))
        let workbook = RegisterWorkbook(summary: summary, language: language)
        let bytes: [UInt8]
        do {
            bytes = try XLSXWriter(sheets: workbook.sheets(entries: entries)).bytes()
        } catch {
            throw ReportError(code: .output, message: "The workbook could not be written: \(error)", path: path)
        }
        let writer = try HashingFileWriter(path: path)
        try writer.write(bytes: bytes)
        let hex = try writer.finish()
        return WrittenReport(path: path, sha256Hex: hex, rowCount: summary.eventCount, summary: summary)
    }
}
