import FiscalCore
import Foundation
import Sandbox

/// What `fiscal-archive sandbox` tells a newcomer: the settings that point the tool at the sandbox (as `export`
/// lines or a config file), a few seeded transactions (or all of them as a `track --csv` file), and the commands to
/// run next.
struct SandboxSettings {
    /// The settings, in the order printed.
    let values: [(name: String, value: String)]
    let month: YearMonth
    let transactions: [SandboxTransaction]

    init(sandbox: SandboxServer, transactions: [SandboxTransaction]) {
        values = [
            ("FISCAL_ARCHIVE_DB", "sandbox-archive.sqlite"),
            ("FISCAL_ARCHIVE_GATEWAY_URL", sandbox.gatewayURL),
            ("FISCAL_ARCHIVE_SERVICE_ID", sandbox.serviceID),
            ("FISCAL_ARCHIVE_SECRET_KEY", sandbox.secretKey),
            ("FISCAL_ARCHIVE_RECEIPT_HOSTS", sandbox.receiptHost),
            ("FISCAL_ARCHIVE_RECEIPT_API_URL", sandbox.receiptAPIURL),
            ("FISCAL_ARCHIVE_RECEIPT_API_KEY", sandbox.configuration.receiptAPIKey),
            // The sandbox is on loopback: no need to spare it like the tax authority's site.
            ("FISCAL_ARCHIVE_RECEIPT_RATE", "0"),
        ]
        month = sandbox.configuration.month
        self.transactions = transactions
        baseURL = sandbox.baseURL
    }

    private let baseURL: String

    /// `export NAME=value` lines, quoted for a POSIX shell where needed.
    var exportLines: [String] { values.map { "export \($0.name)=\(Self.shellQuoted($0.value))" } }

    /// The config file `--config` reads: `NAME=value` lines.
    var configFile: String {
        "# fiscal-archive settings for the sandbox on \(baseURL)\n" + values.map { "\($0.name)=\($0.value)\n" }.joined()
    }

    /// Every seeded transaction as the CSV `track --csv` reads.
    var csvFile: String {
        "transaction_id,type,vendor_order_id\n"
            + transactions.map { "\($0.id),\($0.type),\(Self.csvField($0.vendorUserID))\n" }.joined()
    }

    /// A few paid transactions of each type, in the seeded month, to try by hand.
    var samples: [SandboxTransaction] {
        let paid = transactions.filter { $0.status.isPaid && YearMonth(containingEpochSeconds: $0.date) == month }
        return Array(paid.filter { $0.type == .payment }.prefix(3)) + Array(paid.filter { $0.type == .p2p }.prefix(2))
    }

    /// The text printed once the sandbox listens; writes the files asked for.
    func introduction(configFile configPath: String?, csvFile csvPath: String?) throws -> String {
        var lines = [
            "PaySys sandbox (gateway and receipt site) listening on \(baseURL); \(transactions.count) transactions "
                + "seeded, most in \(month).", "",
        ]
        if let configPath {
            try write(configFile, to: configPath)
            lines.append("Settings written to \(configPath); use them with: fiscal-archive --config \(Self.shellQuoted(configPath)) …")
        }
        lines.append("# Paste into another shell to point fiscal-archive at this sandbox:")
        lines += exportLines
        lines.append("")
        lines.append("# A few seeded transactions (id, type, amount, status, paid at):")
        for transaction in samples {
            lines.append("#   \(transaction.id)  \(transaction.type)  \(transaction.amount.groupedDecimalString) "
                + "\(transaction.amount.currency)  \(transaction.status)  \(Tashkent.iso8601(epochSeconds: transaction.date))")
        }
        lines.append("# Then, to archive these:")
        for type in [TransactionType.payment, .p2p] {
            let ids = samples.filter { $0.type == type }.map(\.id.description)
            if !ids.isEmpty { lines.append("fiscal-archive track --type \(type) \(ids.joined(separator: " "))") }
        }
        if let csvPath {
            try write(csvFile, to: csvPath)
            lines.append("# or all \(transactions.count) seeded transactions:")
            lines.append("fiscal-archive track --csv \(Self.shellQuoted(csvPath))")
        } else {
            lines.append("# (all \(transactions.count) of them: restart with --write-csv FILE, then fiscal-archive track --csv FILE)")
        }
        lines += [
            "fiscal-archive sync",
            "fiscal-archive status",
            "fiscal-archive report --month \(month) --format html    # writes reports/\(month).draft.html",
            "", "Stop the sandbox with Ctrl-C.", "",
        ]
        return lines.joined(separator: "\n")
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError("Cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// `value` as one word of a POSIX shell: as is when it holds only safe characters, else in single quotes.
    static func shellQuoted(_ value: String) -> String {
        let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./:=@%+,")
        if !value.isEmpty && value.allSatisfy({ safe.contains($0) }) { return value }
        return "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
