import FiscalCore
import Foundation
import Reports

// Usage: ReportBench                      runs every case, each in its own process (so peak RSS is per case)
//        ReportBench EVENTS csv|html      runs one case and prints one line

func peakRSSKilobytes() -> Int {
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return usage.ru_maxrss  // kilobytes on Linux
}

func runOne(events: Int, format: String) throws {
    let month = YearMonth(year: 2026, month: 10)
    let source = SyntheticRegisterReader(count: events)
    let directory = NSTemporaryDirectory() + "report-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/2026-10.\(format)"
    let baseline = peakRSSKilobytes()
    let clock = ContinuousClock()
    let asOf = month.endEpochSeconds + 300
    var written: WrittenReport?
    let elapsed = try clock.measure {
        written = format == "csv"
            ? try ReportGenerator().writeCSV(month: month, source: source, asOf: asOf, to: path)
            : try ReportGenerator().writeHTML(month: month, source: source, language: .en, asOf: asOf, to: path)
    }
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rows = written?.rowCount ?? 0
    let exceptions = written?.summary.exceptions.total ?? 0
    print(String(format: "%9d  %-4@  %8.2f s  %9.0f rows/s  peak RSS %6.1f MB (at start %5.1f MB)  file %8.1f MB  exceptions %d",
                 rows, format as NSString, seconds, Double(rows) / max(seconds, 1e-9),
                 Double(peakRSSKilobytes()) / 1024, Double(baseline) / 1024, Double(size) / 1_048_576, exceptions))
}

let arguments = CommandLine.arguments
if arguments.count == 3, let events = Int(arguments[1]) {
    try runOne(events: events, format: arguments[2])
} else {
    print("Report generation, one process per case (\(ProcessInfo.processInfo.operatingSystemVersionString), "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores)")
    fflush(nil)  // flushes every output stream, so the header comes before the children's lines
    for events in [1_000, 100_000, 1_000_000] {
        for format in ["csv", "html"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = [String(events), format]
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 { exit(process.terminationStatus) }
        }
    }
}
