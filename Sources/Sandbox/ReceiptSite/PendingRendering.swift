// TEMPORARY stubs: the real implementations live in ReceiptSite/Rendering*.swift (another helper).
// The lead deletes this file at merge.
import FiscalCore
import Foundation

/// What a generated receipt must show.
public struct SandboxReceiptSpec: Sendable, Hashable {
    /// `.sale` or `.refund`.
    public var kind: FiscalReceipt.Kind
    /// Terminal id (`EP` + 12 digits).
    public var terminalID: String
    /// Receipt number.
    public var receiptNumber: String
    /// Fiscal sign, 12 digits, leading zeros kept.
    public var fiscalSign: String
    /// Local issue time.
    public var issuedAt: Tashkent.LocalDateTime
    /// Total in UZS; the generated items sum exactly to it.
    public var total: Money
    /// Picks items deterministically.
    public var seed: UInt64
    /// The merchant's TIN.
    public var commissionerTIN: String

    /// Creates a spec.
    public init(
        kind: FiscalReceipt.Kind, terminalID: String, receiptNumber: String, fiscalSign: String,
        issuedAt: Tashkent.LocalDateTime, total: Money, seed: UInt64, commissionerTIN: String
    ) {
        self.kind = kind
        self.terminalID = terminalID
        self.receiptNumber = receiptNumber
        self.fiscalSign = fiscalSign
        self.issuedAt = issuedAt
        self.total = total
        self.seed = seed
        self.commissionerTIN = commissionerTIN
    }
}

/// Receipt generation and rendering (stub).
public enum SandboxReceipts {
    /// The receipt of a spec.
    public static func receipt(for spec: SandboxReceiptSpec) -> FiscalReceipt {
        FiscalReceipt(
            kind: spec.kind, source: .html, terminalID: spec.terminalID, receiptNumber: spec.receiptNumber,
            fiscalSign: spec.fiscalSign, issuedAt: spec.issuedAt.date,
            seller: .init(name: "SANDBOX", tin: "000000000", address: ""), marketplace: nil, cashRegister: nil,
            items: [], payment: .init(cash: .zero(.uzs), card: spec.total), total: spec.total, vatTotal: .zero(.uzs))
    }

    /// The legacy HTML page.
    public static func legacyPage(_ receipt: FiscalReceipt) -> String {
        "<html><body><div class=\"ticket-wrap\">\(receipt.terminalID) \(receipt.receiptNumber) \(receipt.total.groupedDecimalString)</div></body></html>"
    }

    /// The JSON API payload.
    public static func apiPayload(_ receipt: FiscalReceipt) -> [UInt8] {
        Array("{\"data\":{\"terminalId\":\"\(receipt.terminalID)\",\"paymentNo\":\"\(receipt.receiptNumber)\"},\"success\":true}".utf8)
    }

    /// The React shell page.
    public static let spaShell = "<html><body><div id=\"root\"></div><script src=\"/static/js/main.js\"></script></body></html>"
    /// The legacy "not found" page.
    public static let notFoundPage = "<html><body>Chek topilmadi</body></html>"
    /// The JSON API "not found" payload.
    public static let apiNotFoundPayload: [UInt8] = Array("{\"data\":null,\"message\":\"Ma'lumot topilmadi\",\"success\":false}".utf8)
}
