import Archive
import SQLiteArchive
import FiscalCore
import Foundation
import Reports

// What `fiscal-archive report --month M --format F --out PATH` does, and only that: open the archive, take a
// snapshot, date the report by the archive's last change, write the one format. For timing reports as whole
// processes where a release build of the whole executable (its web server, sync and operations included) is not at
// hand; `scripts/bench-reports.sh` prefers the real executable when it is built.
//
// Usage: ReportRun ARCHIVE YYYY-MM csv|html|xlsx OUT [HTML_REGISTER_ROWS]

let arguments = CommandLine.arguments
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ReportRun: \(message)\n".utf8))
    exit(2)
}
guard arguments.count >= 5, let month = YearMonth(parsing: arguments[2]) else {
    fail("usage: ReportRun ARCHIVE YYYY-MM csv|html|xlsx OUT [HTML_REGISTER_ROWS]")
}
let rows = arguments.count > 5 ? Int(arguments[5]) ?? ReportGenerator.defaultHTMLRegisterRows : ReportGenerator.defaultHTMLRegisterRows
do {
    let archive = try SQLiteArchiveStore(path: arguments[1])
    let generator = ReportGenerator(htmlRegisterRowLimit: rows)
    let snapshot = try await archive.registerSnapshot()
    let asOf = try await snapshot.lastChangeAt() ?? month.startEpochSeconds
    let written: WrittenReport
    switch arguments[3] {
    case "csv": written = try await generator.writeCSV(month: month, source: snapshot, asOf: asOf, to: arguments[4])
    case "html": written = try await generator.writeHTML(month: month, source: snapshot, language: .en, asOf: asOf, to: arguments[4])
    case "xlsx": written = try await generator.writeXLSX(month: month, source: snapshot, language: .en, asOf: asOf, to: arguments[4])
    default: fail("the format is csv, html or xlsx, not \(arguments[3])")
    }
    print("Wrote \(written.path) (\(written.rowCount) events; SHA-256 \(written.sha256Hex))")
} catch {
    fail("\(error)")
}
