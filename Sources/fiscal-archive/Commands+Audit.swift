import Archive
import ArgumentParser
import FiscalCore
import Foundation
import ReceiptParser
import Sync

/// `parse FILE... [--json]`: parse saved receipt pages (HTML or JSON) and print them.
struct Parse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Parse saved receipt pages (HTML or JSON) and print them.")

    @Argument(help: "Saved receipt pages or JSON API answers.") var files: [String]
    @Flag(help: "One JSON object per file, per line (DESIGN.md's format).") var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one file.") }
    }

    func run() async throws {
        var failures = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                let reason = "cannot be read (missing, a directory, or no permission)"
                Terminal.error("\(file): \(reason)")
                failures += 1
                if json { print(ReceiptJSONFormat.line(file: file, state: .unrecognized, parsed: nil, error: reason)) }
                continue
            }
            let bytes = Array(data)
            let isJSON = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "{")
            // One pass per file: the parse classifies, and a page that is no receipt throws its state.
            var parsed: ParsedReceipt?
            var state = PageState.receipt
            var failure: String?
            do {
                parsed = isJSON ? try ReceiptJSONParser.parse(json: bytes) : try ReceiptPageParser.parse(html: bytes)
            } catch {
                state = error.state
                failure = state == .receipt ? "\(error)" : "not a receipt (\(state.rawValue)): \(error)"
                Terminal.error("\(file): \(failure!)")
                failures += 1
            }
            if json {
                print(ReceiptJSONFormat.line(file: file, state: state, parsed: parsed, error: failure))
            } else if let parsed {
                print("== \(file)")
                print(ReceiptText.render(parsed.receipt))
                for warning in parsed.warnings { print("warning: \(warning)") }
                print("")
            }
        }
        if failures > 0 { throw ExitCode(Exit.failure) }
    }
}

/// `lookup (--transaction ID | --fiscal-sign S | --terminal T --receipt N | --tin X | --text WORDS) [--json]`.
struct Lookup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "Find archived receipts by any identifier or words.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "PaySys transaction id.") var transaction: TransactionID?
    @Option(help: "Fiscal sign (12 digits, leading zeros kept).") var fiscalSign: String?
    @Option(help: "Terminal id (with --receipt).") var terminal: String?
    @Option(help: "Receipt number (with --terminal).") var receipt: String?
    @Option(help: "Seller or commissioner TIN / PINFL.") var tin: String?
    @Option(help: "Words in seller, item or MXIK names.") var text: String?
    @Option(help: "At most this many results.") var limit = 50
    @Flag(help: "Machine-readable output.") var json = false

    func validate() throws {
        let given = [transaction != nil, fiscalSign != nil, terminal != nil || receipt != nil, tin != nil, text != nil]
        if given.filter({ $0 }).count != 1 {
            throw ValidationError("Give exactly one of --transaction, --fiscal-sign, --terminal with --receipt, --tin, --text.")
        }
        if (terminal == nil) != (receipt == nil) { throw ValidationError("--terminal and --receipt go together.") }
        if !(1...10_000).contains(limit) { throw ValidationError("--limit must be 1…10000.") }
    }

    func run() async throws {
        let query: LookupQuery
        if let transaction { query = .transaction(transaction) }
        else if let fiscalSign { query = .fiscalSign(fiscalSign) }
        else if let terminal, let receipt { query = .terminalReceipt(terminal, receipt) }
        else if let tin { query = .tin(tin) }
        else { query = .text(text ?? "") }
        try await Runtime.with(options) { runtime in
            let hits = try await runtime.openArchive().lookup(query, limit: limit, offset: 0)
            if json {
                for hit in hits { print(LookupText.json(hit)) }
            } else if hits.isEmpty {
                throw Exit.fail("No receipt matches.")
            } else {
                for hit in hits { print(LookupText.line(hit)) }
            }
        }
    }
}

/// `show ID [--original]`.
struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one archived receipt; --original prints the page bytes exactly as downloaded.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The transaction id.") var id: TransactionID
    @Flag(help: "Write the original page bytes to stdout, unchanged.") var original = false

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let archive = try await runtime.openArchive()
            if original {
                // The page's bytes are untrusted: on a terminal they could carry escape sequences.
                if Terminal.stdoutIsTTY {
                    throw Exit.fail("--original writes the page's raw bytes; redirect them to a file (> page.html).")
                }
                guard let stored = try await archive.original(for: id) else {
                    throw Exit.fail("No original is archived for transaction \(id).")
                }
                FileHandle.standardOutput.write(Data(stored.bytes))
                if !stored.hashMatches {
                    throw Exit.fail("WARNING: these bytes no longer match their recorded SHA-256 \(stored.sha256).", code: Exit.tampering)
                }
                return
            }
            guard let record = try await archive.transaction(id) else {
                throw Exit.fail("Transaction \(id) is not in the archive.")
            }
            await print(ShowText.render(record: record, receipt: try archive.receipt(for: id), original: try archive.original(for: id)))
        }
    }
}

/// `verify`: re-hash every original and walk the integrity chain.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash every original and the integrity chain; exit 3 on tampering.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let report = try await runtime.openArchive().verify()
            print(VerifyText.render(report))
            if !report.problems.isEmpty { throw ExitCode(Exit.tampering) }
        }
    }
}
