import Archive
import FiscalCore
import Foundation
import Spreadsheet

extension ReportGenerator {
    /// Writes the month as a workbook (see ``RegisterWorkbook``), with its `.sha256` beside it.
    ///
    /// Streaming like the CSV writer: the register rows are written as worksheet XML to a temporary file while the
    /// month is read (one pass, summarising as it goes), then the workbook is assembled into `<path>.partial` from
    /// that file and moved into place. Memory stays flat however large the month; the temporary file (about
    /// 350 bytes a row) sits beside the report and is removed when done.
    public func writeXLSX(
        month: YearMonth, source: some RegisterReader, language: ReportLanguage, asOf: Int64, to path: String
    ) async throws -> WrittenReport {
        let chainHead = try await source.chainHead()
        let figures = MonthFigures(source: source, month: month)
        defer { figures.cancel() }
        var builder = MonthlySummaryBuilder(month: month, asOf: asOf, exceptionDetailLimit: exceptionDetailLimit)
        let directory = (path as NSString).deletingLastPathComponent
        let spool: XLSXRowSpool
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            spool = try XLSXRowSpool(
                header: RegisterWorkbook(summary: .empty(month: month, asOf: asOf, chainHead: chainHead),
                    language: language).registerHeader,
                directory: directory.isEmpty ? "." : directory)
        } catch {
            throw ReportError(code: .output, message: "Cannot start the workbook's register: \(error)", path: path)
        }
        try await source.forEachRegisterEntry(in: month) { entry in
            try builder.add(entry)
            do {
                try spool.append(RegisterWorkbook.registerRow(entry))
            } catch {
                throw ReportError(code: .output, message: "Cannot write the workbook's register: \(error)", path: path)
            }
        }
        let summary = try await finishedSummary(&builder, figures: figures, month: month, chainHead: chainHead, path: path)
        let workbook = RegisterWorkbook(summary: summary, language: language)
        let partial = path + ".partial"
        do {
            try XLSXWriter(sheets: workbook.sheets(entries: [])).write(
                to: partial, spools: [RegisterWorkbook.registerSheetName: spool])
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw ReportError(code: .output, message: "The workbook could not be written: \(error)", path: path)
        }
        let hex = try HashingFileWriter.adopt(partialPath: partial, as: path)
        return WrittenReport(path: path, sha256Hex: hex, rowCount: summary.eventCount, summary: summary)
    }
}
