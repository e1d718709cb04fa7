import Crypto
import FiscalCore
import Foundation

/// Writes a report file through a buffer while hashing it, then moves it into place — or keeps the bytes in
/// memory (the web UI renders months without touching the reports folder).
///
/// The bytes go to `<path>.partial` first and are renamed over `path` only when complete, so a failed run never
/// leaves a half-written report where the finished one belongs. Not thread-safe: one writer per report.
final class HashingFileWriter {
    let path: String
    private let partialPath: String
    private let handle: FileHandle?
    private var hasher = SHA256()
    private var buffer: [UInt8] = []
    private var finished = false
    /// In-memory mode: everything written so far.
    private(set) var bytes: [UInt8] = []
    private static let bufferSize = 1 << 16

    /// A writer that keeps the report in ``bytes``; `name` only names it in messages.
    init(inMemory name: String) {
        self.path = name
        self.partialPath = name
        self.handle = nil
        self.finished = true
    }

    init(path: String) throws(ReportError) {
        self.path = path
        self.partialPath = path + ".partial"
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw ReportError(code: .output, message: "Cannot create the report folder \(directory): \(error)", path: path)
        }
        guard FileManager.default.createFile(atPath: partialPath, contents: nil),
            let handle = FileHandle(forWritingAtPath: partialPath)
        else {
            throw ReportError(code: .output, message: "Cannot create the report file", path: partialPath)
        }
        self.handle = handle
        buffer.reserveCapacity(Self.bufferSize + 4096)
    }

    deinit {
        if !finished, let handle {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partialPath)
        }
    }

    /// Appends UTF-8 text.
    func write(_ text: String) throws(ReportError) {
        // Copied as contiguous bytes: appending the `String.UTF8View` went through the generic sequence path, a
        // byte at a time (a register is a million lines).
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Appends raw bytes.
    func write(bytes: [UInt8]) throws(ReportError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    private func flush() throws(ReportError) {
        guard !buffer.isEmpty else { return }
        hasher.update(data: buffer)
        guard let handle else {
            bytes.append(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
            return
        }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ReportError(code: .output, message: "Cannot write the report: \(error)", path: partialPath)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes, moves the file into place and writes `<path>.sha256` beside it; returns the hex digest.
    func finish() throws(ReportError) -> String {
        try flush()
        guard let handle else { return Hex.lowercase(hasher.finalize()) }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw ReportError(code: .output, message: "Cannot finish the report: \(error)", path: partialPath)
        }
        guard rename(partialPath, path) == 0 else {
            throw ReportError(code: .output, message: "Cannot move the report into place (errno \(errno))", path: path)
        }
        finished = true
        let hex = Hex.lowercase(hasher.finalize())
        let fileName = (path as NSString).lastPathComponent
        let checksum = "\(hex)  \(fileName)\n"
        do {
            try Data(checksum.utf8).write(to: URL(fileURLWithPath: path + ".sha256"), options: .atomic)
        } catch {
            throw ReportError(code: .output, message: "Cannot write the checksum file: \(error)", path: path + ".sha256")
        }
        return hex
    }

    /// Takes over a complete file written by someone else at `partialPath`: hashes it in chunks, moves it over
    /// `path` and writes `<path>.sha256` as ``finish()`` does; returns the hex digest. The partial file is removed
    /// if that fails.
    static func adopt(partialPath: String, as path: String) throws(ReportError) -> String {
        do {
            guard let handle = FileHandle(forReadingAtPath: partialPath) else {
                throw ReportError(code: .output, message: "Cannot read the written report back", path: partialPath)
            }
            defer { try? handle.close() }
            var hasher = SHA256()
            while let chunk = try handle.read(upToCount: bufferSize * 16), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
            try FileHandle(forWritingAtPath: partialPath)?.synchronize()
            guard rename(partialPath, path) == 0 else {
                throw ReportError(code: .output, message: "Cannot move the report into place (errno \(errno))", path: path)
            }
            let hex = Hex.lowercase(hasher.finalize())
            let checksum = "\(hex)  \((path as NSString).lastPathComponent)\n"
            try Data(checksum.utf8).write(to: URL(fileURLWithPath: path + ".sha256"), options: .atomic)
            return hex
        } catch let error as ReportError {
            try? FileManager.default.removeItem(atPath: partialPath)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: partialPath)
            throw ReportError(code: .output, message: "Cannot finish the report: \(error)", path: path)
        }
    }
}
