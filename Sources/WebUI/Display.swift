import Archive
import FiscalCore
import Foundation

/// How values are shown on the pages: amounts grouped with their currency, times in Tashkent.
enum Display {
    /// `853,374.00 UZS`, or an em dash when unknown.
    static func money(_ money: Money?) -> String {
        guard let money else { return "—" }
        return "\(money.groupedDecimalString) \(money.currency.alphaCode)"
    }

    /// `2026-03-29 18:58:00` in Tashkent, or an em dash.
    static func time(_ epochSeconds: Int64?) -> String {
        guard let epochSeconds else { return "—" }
        let local = Tashkent.local(epochSeconds: epochSeconds)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", local.year, local.month, local.day, local.hour, local.minute,
            local.second)
    }

    /// The time of a `Date`, in Tashkent.
    static func time(_ date: Date) -> String { time(Int64(date.timeIntervalSince1970.rounded(.down))) }

    /// `October 2026`.
    static func monthName(_ month: YearMonth) -> String {
        let names = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        return "\(names[month.month - 1]) \(month.year)"
    }

    /// A PaySys status for people: `completed (2)`.
    static func status(_ status: PaySysStatus?) -> String {
        guard let status else { return "—" }
        return "\(status.name) (\(status.rawValue))"
    }

    /// A pipeline state for people: `info fetched`.
    static func state(_ state: PipelineState) -> String { state.rawValue.replacingOccurrences(of: "_", with: " ") }

    /// The receipt kind for people.
    static func kind(_ kind: FiscalReceipt.Kind?) -> String {
        switch kind {
        case .sale: "Sale"
        case .refund: "Refund"
        case .advance: "Advance"
        case .credit: "Credit"
        case nil: "—"
        }
    }

    /// The link to a transaction's page.
    static func receiptPath(_ id: TransactionID) -> String { "/receipts/\(id.rawValue)" }

    /// A URL only when it is plain http(s): anything else (a `javascript:` link) is shown as text, never linked.
    static func safeLink(_ url: String?) -> String? {
        guard let url, let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            components.host?.isEmpty == false
        else { return nil }
        return url
    }
}
