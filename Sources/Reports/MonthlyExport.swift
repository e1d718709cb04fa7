import Archive
import FiscalCore
import Foundation


/// A month's export: the reports `run` (and `report --export`) write into the reports folder, which are never
/// overwritten.
///
/// The first export of a month is `YYYY-MM.csv`, `YYYY-MM.xlsx` and `YYYY-MM.html` (each with its `.sha256`). Exporting again after
/// the archive changed writes a new **revision**, `YYYY-MM.r2.csv` / `.html` (then `r3`, …), whose HTML opens with
/// what changed since the previous revision and whose `YYYY-MM.r2.changes.csv` lists every changed cell. Exporting
/// an unchanged month writes nothing. A revision is complete when its HTML exists (it is written last); the files of
/// an incomplete one (a crash mid-export) are replaced by the next export.
public enum MonthlyExport {
    /// What an export did.
    public struct Result: Sendable {
        /// The revision that now stands for the month (1 = the first export).
        public var revision: Int
        /// Whether this call wrote it (`false`: the latest revision already matched the archive).
        public var isNew: Bool
        public var html: WrittenReport
        public var csv: WrittenReport
        /// The workbook (sheets Summary, VAT, Register, Exceptions); `nil` for a revision exported before workbooks.
        public var xlsx: WrittenReport?
        /// What changed since the previous revision (for revision 2 and later).
        public var changes: RegisterChanges?
        /// Where the list of changed cells is (for revision 2 and later).
        public var changesPath: String?
        /// Earlier exported months that had changed, each re-exported as a new revision before this one and
        /// listed in its "corrections to earlier months" section.
        public var corrections: [Correction] = []
    }

    /// An already exported month that changed since its latest export, and the revision that now records it.
    public struct Correction: Sendable, Hashable {
        public var month: YearMonth
        public var revision: Int
        public var changes: RegisterChanges
    }

    /// How many months back an export looks for earlier exported months that changed.
    public static let correctionMonths = 12

    /// The file name stem of a revision: `YYYY-MM` for the first, `YYYY-MM.rN` after.
    public static func stem(_ month: YearMonth, revision: Int) -> String {
        revision <= 1 ? month.description : "\(month).r\(revision)"
    }

    /// The latest complete revision of a month in `directory`, if any.
    public static func latestRevision(of month: YearMonth, in directory: String) -> Int? {
        var latest: Int?
        var revision = 1
        while FileManager.default.fileExists(atPath: path(directory, stem(month, revision: revision) + ".html")) {
            latest = revision
            revision += 1
        }
        return latest
    }

    /// Exports a month unless its latest revision already shows the archive as it is.
    ///
    /// The reports are dated by the archive's last change, not by the clock, and all files come from one snapshot.
    ///
    /// With `correctingEarlierMonths`, each of the ``correctionMonths`` months before `month` that has an export
    /// and whose register changed since (a late receipt, a status change, a cleared exception) gets its new revision
    /// first, and this month's report lists those corrections, so nothing in the past changes silently.
    public static func export(
        month: YearMonth, archive: any ArchiveStore, directory: String, language: ReportLanguage,
        generator: ReportGenerator = ReportGenerator(), correctingEarlierMonths: Bool = true
    ) async throws -> Result {
        var corrections: [Correction] = []
        if correctingEarlierMonths {
            var earlier = month
            for _ in 0..<correctionMonths {
                earlier = earlier.previous
                guard latestRevision(of: earlier, in: directory) != nil else { continue }
                let result = try await export(
                    month: earlier, archive: archive, directory: directory, language: language, generator: generator,
                    correctingEarlierMonths: false)
                if result.isNew, let changes = result.changes {
                    corrections.append(Correction(month: earlier, revision: result.revision, changes: changes))
                }
            }
        }
        var result = try await exportOne(month: month, archive: archive, directory: directory, language: language,
            generator: generator, corrections: corrections)
        result.corrections = corrections
        return result
    }

    private static func exportOne(
        month: YearMonth, archive: any ArchiveStore, directory: String, language: ReportLanguage,
        generator: ReportGenerator, corrections: [Correction]
    ) async throws -> Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let snapshot = try await archive.registerSnapshot()
        let asOf = try await snapshot.lastChangeAt() ?? month.startEpochSeconds
        let previous = latestRevision(of: month, in: directory)
        let revision = (previous ?? 0) + 1
        let base = path(directory, stem(month, revision: revision))
        let csv = try await generator.writeCSV(month: month, source: snapshot, language: language, asOf: asOf, to: base + ".csv")
        var changes: RegisterChanges?
        var changesPath: String?
        if let previous {
            let previousBase = path(directory, stem(month, revision: previous))
            let difference = try RegisterChanges.between(
                previous: previousBase + ".csv", current: csv.path, previousRevision: previous)
            if difference.isEmpty {
                // Nothing changed: the new files were never an export; the latest revision stands.
                for suffix in [".csv", ".csv.sha256"] { try? FileManager.default.removeItem(atPath: base + suffix) }
                let html = try existing(previousBase + ".html", summary: csv.summary)
                let previousCSV = try existing(previousBase + ".csv", summary: csv.summary)
                let previousXLSX = FileManager.default.fileExists(atPath: previousBase + ".xlsx")
                    ? try existing(previousBase + ".xlsx", summary: csv.summary) : nil
                return Result(
                    revision: previous, isNew: false, html: html, csv: previousCSV, xlsx: previousXLSX, changes: nil,
                    changesPath: nil)
            }
            changes = difference
            changesPath = base + ".changes.csv"
            try Data(difference.csv().utf8).write(to: URL(fileURLWithPath: base + ".changes.csv"), options: .atomic)
        }
        let xlsx = try await generator.writeXLSX(month: month, source: snapshot, language: language, asOf: asOf, to: base + ".xlsx")
        // The HTML is written last: it marks the revision complete.
        let html = try await generator.writeHTML(
            month: month, source: snapshot, language: language, asOf: asOf, to: base + ".html", fullRegister: [csv, xlsx],
            changes: changes, corrections: corrections)
        return Result(
            revision: revision, isNew: true, html: html, csv: csv, xlsx: xlsx, changes: changes, changesPath: changesPath)
    }

    private static func path(_ directory: String, _ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    /// A report already on disk, with its recorded checksum.
    private static func existing(_ path: String, summary: MonthlySummary) throws -> WrittenReport {
        let line = (try? String(contentsOfFile: path + ".sha256", encoding: .utf8)) ?? ""
        return WrittenReport(
            path: path, sha256Hex: String(line.prefix { $0 != " " }), rowCount: summary.eventCount, summary: summary)
    }
}
