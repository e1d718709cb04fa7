import Foundation

/// The identity of a fiscal receipt on the tax authority's viewer: terminal, receipt number, local date-time and
/// fiscal sign — exactly what the `t`, `r`, `c` and `s` parameters of an OFD link carry.
///
/// `https://ofd.soliq.uz/epi?t=EP000000000058&r=1020387&c=20230504110437&s=088681055845`
public struct ReceiptReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Which page of the viewer shows the receipt.
    public enum PageKind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `/epi`: online and aggregator receipts, what PaySys returns.
        case epi
        /// `/check`: shop cash-register receipts.
        case check
        /// `/epi/avans`: advance receipts.
        case advance = "epi/avans"
        /// `/epi/kredit`: credit receipts.
        case credit = "epi/kredit"
        /// The bare root `/?t=…` of the newer QR codes.
        case root = ""

        /// The URL path, with its leading slash.
        public var path: String { "/" + rawValue }
    }

    /// The page form of the link.
    public var pageKind: PageKind
    /// Terminal / fiscal-module id (`EP000000000058`).
    public var terminalID: String
    /// Receipt number (`1020387`), kept as text.
    public var receiptNumber: String
    /// The `c` parameter as written: local Tashkent date-time `YYYYMMDDHHMMSS`.
    public var dateTimeCode: String
    /// Fiscal sign, a string of digits that may start with zeros (`088681055845`).
    public var fiscalSign: String

    public init(pageKind: PageKind, terminalID: String, receiptNumber: String, dateTimeCode: String, fiscalSign: String) {
        self.pageKind = pageKind
        self.terminalID = terminalID
        self.receiptNumber = receiptNumber
        self.dateTimeCode = dateTimeCode
        self.fiscalSign = fiscalSign
    }

    /// Reads a receipt link. Any host is accepted here (which hosts may be fetched is the fetcher's allowlist);
    /// the path must be one of the viewer's page forms and `t`, `r`, `c`, `s` must all be present and well-formed.
    public init(url text: String) throws(ReceiptReferenceError) {
        guard let components = URLComponents(string: text.trimmingASCIIWhitespace()),
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            components.host?.isEmpty == false
        else { throw ReceiptReferenceError(url: text, reason: "not an http(s) URL") }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        guard let kind = PageKind(rawValue: String(path.drop(while: { $0 == "/" })).lowercased()) else {
            throw ReceiptReferenceError(url: text, reason: "unknown receipt page path \"\(components.path)\"")
        }
        var values: [String: String] = [:]
        for item in components.queryItems ?? [] where values[item.name] == nil {
            values[item.name] = item.value ?? ""
        }
        func required(_ name: String) throws(ReceiptReferenceError) -> String {
            guard let value = values[name]?.trimmingASCIIWhitespace(), !value.isEmpty else {
                throw ReceiptReferenceError(url: text, reason: "parameter \(name) is missing")
            }
            return value
        }
        let terminal = try required("t")
        let number = try required("r")
        let code = try required("c")
        let sign = try required("s")
        guard terminal.utf8.allSatisfy({ Self.isASCIIAlphanumeric($0) }), terminal.count <= 32 else {
            throw ReceiptReferenceError(url: text, reason: "terminal id \"\(terminal)\" is not alphanumeric")
        }
        guard Self.isDigits(number), number.count <= 20 else {
            throw ReceiptReferenceError(url: text, reason: "receipt number \"\(number)\" is not a number")
        }
        guard Self.isDigits(code), code.count == 14, Self.localDateTime(code: code) != nil else {
            throw ReceiptReferenceError(url: text, reason: "date \"\(code)\" is not YYYYMMDDHHMMSS")
        }
        guard Self.isDigits(sign), sign.count <= 20 else {
            throw ReceiptReferenceError(url: text, reason: "fiscal sign \"\(sign)\" is not digits")
        }
        self.init(pageKind: kind, terminalID: terminal, receiptNumber: number, dateTimeCode: code, fiscalSign: sign)
    }

    /// The local Tashkent date-time of the `c` parameter.
    public var localDateTime: Tashkent.LocalDateTime? { Self.localDateTime(code: dateTimeCode) }

    /// The link on the given host (default `ofd.soliq.uz`, over https).
    public func url(host: String = "ofd.soliq.uz", scheme: String = "https") -> String {
        "\(scheme)://\(host)\(pageKind.path)?t=\(terminalID)&r=\(receiptNumber)&c=\(dateTimeCode)&s=\(fiscalSign)"
    }

    /// The canonical `https://ofd.soliq.uz/...` link.
    public var description: String { url() }

    /// Formats a local time as a `c` parameter.
    public static func dateTimeCode(_ local: Tashkent.LocalDateTime) -> String {
        String(format: "%04d%02d%02d%02d%02d%02d", local.year, local.month, local.day, local.hour, local.minute, local.second)
    }

    static func localDateTime(code: String) -> Tashkent.LocalDateTime? {
        let digits = Array(code.utf8).map { Int($0) - 48 }
        guard digits.count == 14, digits.allSatisfy({ (0...9).contains($0) }) else { return nil }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        let local = Tashkent.LocalDateTime(
            year: number(0..<4), month: number(4..<6), day: number(6..<8),
            hour: number(8..<10), minute: number(10..<12), second: number(12..<14))
        return local.isValid ? local : nil
    }

    private static func isDigits(_ text: String) -> Bool { !text.isEmpty && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }
}

/// A receipt link that could not be read, and why.
public struct ReceiptReferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    public var url: String
    public var reason: String

    public init(url: String, reason: String) {
        self.url = url
        self.reason = reason
    }

    public var description: String { "Not a receipt link: \(url) (\(reason))" }
}
