import Archive
import FiscalCore
import Foundation

extension ArchiveStore: RegisterSource {}
extension RegisterSnapshot: RegisterSource {}

/// Writes a month's HTML, CSV and XLSX reports from the archive into a directory, as `report`, `run`, `demo` and the
/// web UI all do.
public enum MonthlyExport {
    /// The reports written for a month.
    public struct Result: Sendable {
        public var html: WrittenReport
        public var csv: WrittenReport
        public var xlsx: WrittenReport
    }

    /// Writes `<directory>/<YYYY-MM>.html`, `.csv` and `.xlsx` (each with its `.sha256`).
    ///
    /// The reports are dated by the archive's last change, not by the clock, so the same archive always gives
    /// byte-identical files. Both are written from one snapshot of the archive.
    public static func write(
        month: YearMonth, archive: ArchiveStore, directory: String, language: ReportLanguage
    ) throws -> Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // One frozen view for both files: a sync committing meanwhile changes neither, nor the two passes of the HTML.
        let snapshot = try archive.registerSnapshot()
        let asOf = try snapshot.lastChangeAt() ?? month.startEpochSeconds
        let generator = ReportGenerator()
        let base = (directory as NSString).appendingPathComponent(month.description)
        let html = try generator.writeHTML(month: month, source: snapshot, language: language, asOf: asOf, to: base + ".html")
        let csv = try generator.writeCSV(month: month, source: snapshot, language: language, asOf: asOf, to: base + ".csv")
        let xlsx = try generator.writeXLSX(month: month, source: snapshot, language: language, asOf: asOf, to: base + ".xlsx")
        return Result(html: html, csv: csv, xlsx: xlsx)
    }
}
