import Foundation
import Operations

/// The tool's configuration: a config file plus environment variables, the variables winning (DESIGN.md).
///
/// The config file holds `NAME=value` lines with the same names as the environment variables; `#` starts a
/// comment. Secrets may live in either; neither is ever printed.
struct AppConfiguration: Sendable {
    var databasePath = "fiscal-archive.sqlite"
    var gatewayURL = "https://paysys.uz/gateway"
    var serviceID: String?
    var secretKey: String?
    var receiptHosts = "ofd.soliq.uz"
    var receiptAPIURL: String?
    var receiptAPIKey: String?
    var retryInitial: Int64 = 30
    var retryMax: Int64 = 3600
    var receiptDeadline: Int64 = 604_800
    var language = "en"
    var webToken: String?
    /// `minor` (default) or `major`: the unit of `payment_info.amount`, which the vendor document leaves open.
    var paymentInfoAmountUnit = "minor"
    /// Seconds between scheduled syncs of `run`.
    var syncInterval: Int64 = 900
    /// Tashkent hour on the 1st at which `run` exports the previous month.
    var exportHour = 6
    /// Where `run` and `report` write reports.
    var reportsDirectory = "reports"
    /// Sync concurrency default.
    var concurrency = 8
    /// Requests per second to the receipt site at most (0: unlimited).
    var receiptRate = 10
    /// When money operations whose answer was lost are checked again (offsets from the call); the last closes
    /// the settle window.
    var settleChecks = "5s,30s,2m,10m,1h"
    /// How many days after a payment its status is re-checked (daily in the cancel window, then weekly).
    var recheckDays: Int64 = 90
    /// The most register rows an HTML report shows (the CSV always has them all).
    var htmlRegisterRows = 5_000

    /// Every variable this tool reads.
    static let variableNames = [
        "FISCAL_ARCHIVE_DB", "FISCAL_ARCHIVE_GATEWAY_URL", "FISCAL_ARCHIVE_SERVICE_ID", "FISCAL_ARCHIVE_SECRET_KEY",
        "FISCAL_ARCHIVE_RECEIPT_HOSTS", "FISCAL_ARCHIVE_RECEIPT_API_URL", "FISCAL_ARCHIVE_RECEIPT_API_KEY",
        "FISCAL_ARCHIVE_RETRY_INITIAL", "FISCAL_ARCHIVE_RETRY_MAX", "FISCAL_ARCHIVE_RECEIPT_DEADLINE",
        "FISCAL_ARCHIVE_LANG", "FISCAL_ARCHIVE_WEB_TOKEN", "FISCAL_ARCHIVE_PAYMENT_INFO_AMOUNT_UNIT",
        "FISCAL_ARCHIVE_SYNC_INTERVAL", "FISCAL_ARCHIVE_EXPORT_HOUR", "FISCAL_ARCHIVE_REPORTS_DIR",
        "FISCAL_ARCHIVE_CONCURRENCY", "FISCAL_ARCHIVE_RECEIPT_RATE", "FISCAL_ARCHIVE_SETTLE_CHECKS",
        "FISCAL_ARCHIVE_HTML_REGISTER_ROWS", "FISCAL_ARCHIVE_RECHECK_DAYS",
    ]

    /// Loads the file (if given or present as `fiscal-archive.conf`) and then the environment.
    static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> AppConfiguration
    {
        var values: [String: String] = [:]
        let path = file ?? environment["FISCAL_ARCHIVE_CONFIG"]
        if let path {
            values = try parseFile(path)
        } else if FileManager.default.fileExists(atPath: "fiscal-archive.conf") {
            values = try parseFile("fiscal-archive.conf")
        }
        for name in variableNames {
            if let value = environment[name] { values[name] = value }
        }
        var configuration = AppConfiguration()
        try configuration.apply(values)
        return configuration
    }

    /// Reads `NAME=value` lines; an unknown name or a line without `=` is an error naming the line.
    static func parseFile(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("Cannot read the config file \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("The config file \(path) is not UTF-8")
        }
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError("\(path):\(index + 1): expected NAME=value")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            guard variableNames.contains(name) else {
                throw ConfigurationError("\(path):\(index + 1): unknown setting \(name)")
            }
            values[name] = value
        }
        return values
    }

    private mutating func apply(_ values: [String: String]) throws {
        func text(_ name: String) -> String? {
            guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func seconds(_ name: String, _ range: ClosedRange<Int64>) throws -> Int64? {
            guard let value = text(name) else { return nil }
            guard let number = Int64(value), range.contains(number) else {
                throw ConfigurationError("\(name) must be a whole number of seconds in \(range.lowerBound)…\(range.upperBound), not \"\(value)\"")
            }
            return number
        }
        if let value = text("FISCAL_ARCHIVE_DB") { databasePath = value }
        if let value = text("FISCAL_ARCHIVE_GATEWAY_URL") { gatewayURL = value }
        serviceID = text("FISCAL_ARCHIVE_SERVICE_ID") ?? serviceID
        secretKey = text("FISCAL_ARCHIVE_SECRET_KEY") ?? secretKey
        if let value = text("FISCAL_ARCHIVE_RECEIPT_HOSTS") { receiptHosts = value }
        receiptAPIURL = text("FISCAL_ARCHIVE_RECEIPT_API_URL") ?? receiptAPIURL
        receiptAPIKey = text("FISCAL_ARCHIVE_RECEIPT_API_KEY") ?? receiptAPIKey
        retryInitial = try seconds("FISCAL_ARCHIVE_RETRY_INITIAL", 1...86_400) ?? retryInitial
        retryMax = try seconds("FISCAL_ARCHIVE_RETRY_MAX", 1...604_800) ?? retryMax
        receiptDeadline = try seconds("FISCAL_ARCHIVE_RECEIPT_DEADLINE", 0...31_536_000) ?? receiptDeadline
        syncInterval = try seconds("FISCAL_ARCHIVE_SYNC_INTERVAL", 10...86_400) ?? syncInterval
        if let value = text("FISCAL_ARCHIVE_LANG") {
            guard ["en", "ru", "uz"].contains(value) else {
                throw ConfigurationError("FISCAL_ARCHIVE_LANG must be en, ru or uz, not \"\(value)\"")
            }
            language = value
        }
        webToken = text("FISCAL_ARCHIVE_WEB_TOKEN") ?? webToken
        if let value = text("FISCAL_ARCHIVE_PAYMENT_INFO_AMOUNT_UNIT") {
            guard ["minor", "major"].contains(value) else {
                throw ConfigurationError("FISCAL_ARCHIVE_PAYMENT_INFO_AMOUNT_UNIT must be minor or major, not \"\(value)\"")
            }
            paymentInfoAmountUnit = value
        }
        if let value = text("FISCAL_ARCHIVE_EXPORT_HOUR") {
            guard let hour = Int(value), (0...23).contains(hour) else {
                throw ConfigurationError("FISCAL_ARCHIVE_EXPORT_HOUR must be 0…23, not \"\(value)\"")
            }
            exportHour = hour
        }
        if let value = text("FISCAL_ARCHIVE_REPORTS_DIR") { reportsDirectory = value }
        if let value = text("FISCAL_ARCHIVE_CONCURRENCY") {
            guard let number = Int(value), (1...256).contains(number) else {
                throw ConfigurationError("FISCAL_ARCHIVE_CONCURRENCY must be 1…256, not \"\(value)\"")
            }
            concurrency = number
        }
        if let value = text("FISCAL_ARCHIVE_RECEIPT_RATE") {
            guard let number = Int(value), (0...10_000).contains(number) else {
                throw ConfigurationError("FISCAL_ARCHIVE_RECEIPT_RATE must be 0…10000 requests per second, not \"\(value)\"")
            }
            receiptRate = number
        }
        if let value = text("FISCAL_ARCHIVE_RECHECK_DAYS") {
            guard let days = Int64(value), (7...3_650).contains(days) else {
                throw ConfigurationError("FISCAL_ARCHIVE_RECHECK_DAYS must be 7…3650 days, not \"\(value)\"")
            }
            recheckDays = days
        }
        if let value = text("FISCAL_ARCHIVE_HTML_REGISTER_ROWS") {
            guard let number = Int(value), (0...10_000_000).contains(number) else {
                throw ConfigurationError("FISCAL_ARCHIVE_HTML_REGISTER_ROWS must be 0…10000000 rows, not \"\(value)\"")
            }
            htmlRegisterRows = number
        }
        if let value = text("FISCAL_ARCHIVE_SETTLE_CHECKS") {
            do {
                _ = try SettleSchedule(parsing: value)
            } catch {
                throw ConfigurationError("\(error)")
            }
            settleChecks = value
        }
        if retryMax < retryInitial {
            throw ConfigurationError("FISCAL_ARCHIVE_RETRY_MAX (\(retryMax)) is below FISCAL_ARCHIVE_RETRY_INITIAL (\(retryInitial))")
        }
    }
}

/// A configuration problem, named precisely (never with a secret's value).
struct ConfigurationError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
