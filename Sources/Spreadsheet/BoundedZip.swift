import Foundation
import ZIPFoundation

/// A ZIP archive read under `SpreadsheetLimits`: the entry count, each entry's uncompressed size, the total
/// uncompressed bytes, and the compression ratio are all checked *while* inflating, so a zip bomb is stopped at the
/// limit instead of after it has filled memory (the sizes an entry declares are not trusted).
final class BoundedZip {
    private let archive: Archive
    private let limits: SpreadsheetLimits
    private let deadline: ContinuousClock.Instant
    /// Entry paths, in the order of the central directory.
    private(set) var paths: [String] = []
    private var entries: [String: Entry] = [:]
    private var totalRead = 0

    init(bytes: [UInt8], limits: SpreadsheetLimits, deadline: ContinuousClock.Instant) throws(SpreadsheetError) {
        self.limits = limits
        self.deadline = deadline
        guard bytes.count <= limits.maxFileBytes else {
            throw SpreadsheetError(
                .limitExceeded,
                "the file is \(bytes.count) bytes, more than the \(limits.maxFileBytes)-byte limit for a workbook")
        }
        // Every ZIP starts with a local file header ("PK\3\4"); anything else (a CSV, an old binary .xls) is not one.
        guard bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else {
            let hint = bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
                ? " (it looks like an old binary .xls workbook: save it as .xlsx)" : ""
            throw SpreadsheetError(.notAWorkbook, "the file is not an Office Open XML workbook (not a ZIP archive)\(hint)")
        }
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw SpreadsheetError(.notAWorkbook, "the file is not a readable ZIP archive (\(error))")
        }
        var count = 0
        for entry in archive {
            count += 1
            guard count <= limits.maxEntries else {
                throw SpreadsheetError(
                    .limitExceeded, "the archive has more than \(limits.maxEntries) entries (the limit for a workbook)")
            }
            let path = entry.path
            if entries[path] == nil {
                entries[path] = entry
                paths.append(path)
            }
        }
    }

    /// Whether the archive has an entry at `path`.
    func contains(_ path: String) -> Bool { entries[path] != nil }

    /// The uncompressed bytes of the entry at `path`, or nil when there is none.
    func read(_ path: String) throws(SpreadsheetError) -> [UInt8]? {
        guard let entry = entries[path] else { return nil }
        guard entry.type == .file else { throw SpreadsheetError(.malformed, part: path, "is not a file entry") }
        let declared = entry.uncompressedSize
        guard declared <= UInt64(limits.maxEntryBytes) else {
            throw entryTooLarge(path)
        }
        let compressed = max(Int(clamping: entry.compressedSize), 1)
        var output: [UInt8] = []
        // The declared size is only a hint (a hostile archive may declare the limit for a tiny entry).
        output.reserveCapacity(min(Int(declared), min(compressed, 2 << 20) * 8, 16 << 20))
        var failure: SpreadsheetError?
        let limits = self.limits
        let alreadyRead = totalRead
        let deadline = self.deadline
        do {
            _ = try archive.extract(entry, consumer: { chunk in
                output.append(contentsOf: chunk)
                if output.count > limits.maxEntryBytes {
                    failure = self.entryTooLarge(path)
                } else if alreadyRead + output.count > limits.maxTotalBytes {
                    failure = SpreadsheetError(
                        .limitExceeded, part: path,
                        "the workbook expands to more than \(limits.maxTotalBytes) bytes in all (the limit; a zip bomb?)")
                } else if output.count > limits.ratioCheckedAbove && output.count / compressed > limits.maxCompressionRatio {
                    failure = SpreadsheetError(
                        .limitExceeded, part: path,
                        "expands more than \(limits.maxCompressionRatio) times its compressed size (the limit; a zip bomb?)")
                } else if ContinuousClock.now > deadline {
                    failure = SpreadsheetError(
                        .limitExceeded, part: path, "reading took longer than the time limit (\(limits.maxDuration))")
                }
                if failure != nil { throw Stop() }
            })
        } catch {
            if let failure { throw failure }
            throw SpreadsheetError(.notAWorkbook, part: path, "cannot be read from the ZIP archive (\(error))")
        }
        totalRead += output.count
        return output
    }

    private func entryTooLarge(_ path: String) -> SpreadsheetError {
        SpreadsheetError(
            .limitExceeded, part: path,
            "expands to more than \(limits.maxEntryBytes) bytes (the limit for one part of a workbook; a zip bomb?)")
    }

    private struct Stop: Error {}
}
