import Foundation
import Archive
import FiscalCore
import Spreadsheet

/// The month as an Office Open XML workbook (`report --format xlsx`): sheets `Summary`, `VAT`, `Register` and
/// `Exceptions`, with typed cells so that Excel in any locale and 1C read numbers as numbers.
///
/// - The `Register` sheet has the CSV register's columns in the CSV's order and the same values: amounts as
///   numeric cells with a two-decimal format (signed as in the CSV), ids and status codes as whole numbers, times
///   as date-time cells in Tashkent time, codes (`payment`, `UZS`, `gateway`) as their CSV text. Text cells are
///   never formulas in a workbook, so they carry no `'` guard.
/// - Labels (headers, summary lines, exception kinds) are in the report's language; sheet names are fixed.
/// - Deterministic: the same summary and rows give the same bytes (see ``XLSXWriter``).
struct RegisterWorkbook {
    let summary: MonthlySummary
    let language: ReportLanguage
    private var labels: ReportLabels { language.labels }

    /// The workbook's sheets, the register from `entries` (in register order).
    func sheets(entries: [RegisterEntry]) -> [XLSXWriter.Sheet] {
        [summarySheet(), vatSheet(), registerSheet(entries), exceptionsSheet()]
    }

    static func local(_ epochSeconds: Int64) -> XLSXWriter.Cell {
        .dateTime(localSeconds: epochSeconds + Int64(Tashkent.offsetSeconds))
    }

    static func money(_ money: Money) -> XLSXWriter.Cell { .money(money.decimalString) }

    // MARK: - Summary

    func summarySheet() -> XLSXWriter.Sheet {
        var rows: [[XLSXWriter.Cell]] = [
            [.text(labels.period), .text(summary.month.description)],
            [.text(labels.asOf), Self.local(summary.asOf)],
            [.text(labels.chainHead), .text(summary.chainHead)],
            [.text(labels.events), .integer(String(summary.eventCount))],
            [.text(labels.exceptions), .integer(String(summary.exceptions.total))],
        ]
        for totals in summary.currencies {
            let code = XLSXWriter.Cell.text(totals.currency.alphaCode)
            rows.append([])
            for event in RegisterEntry.Event.allCases {
                let eventTotals = totals.totals(for: event)
                rows.append([.text(labels.eventTypePlural(event)), code, .integer(String(eventTotals.count)),
                             Self.money(eventTotals.amount)])
            }
            rows.append([.text(labels.registerTotal), code, .empty, Self.money(totals.registerTotal)])
            rows.append([.text(labels.notPaid), code, .integer(String(totals.notPaid.count)),
                         Self.money(totals.notPaid.amount)])
            rows.append([.text(labels.net), code, .empty, Self.money(totals.net)])
        }
        return XLSXWriter.Sheet(
            name: "Summary", header: [labels.summary, labels.currency, labels.count, labels.amount], rows: rows)
    }

    // MARK: - VAT

    /// One row per rate and currency (receipts dated in the month): sales, refunds (negative) and the net VAT,
    /// then one "Net VAT" row per currency with the sums, as the HTML summary shows them.
    func vatSheet() -> XLSXWriter.Sheet {
        var rows: [[XLSXWriter.Cell]] = summary.vat.map { line in
            [.number(line.rate.description), .text(line.currency.alphaCode),
             .integer(String(line.itemCount)), Self.money(line.gross), Self.money(line.vat),
             .integer(String(line.refundItemCount)), Self.money(line.refundGross), Self.money(line.refundVAT),
             Self.money(line.netVAT), Self.money(line.otherMonthVAT)]
        }
        var currencies: [Currency] = []
        for line in summary.vat where !currencies.contains(line.currency) { currencies.append(line.currency) }
        for currency in currencies {
            let lines = summary.vat.filter { $0.currency == currency }
            func sum(_ value: (VATLine) -> Money) -> XLSXWriter.Cell {
                Self.money(lines.reduce(Money.zero(currency)) { $0 + value($1) })
            }
            rows.append([
                .text(labels.netVAT), .text(currency.alphaCode),
                .integer(String(lines.reduce(0) { $0 + $1.itemCount })), sum(\.gross), sum(\.vat),
                .integer(String(lines.reduce(0) { $0 + $1.refundItemCount })), sum(\.refundGross), sum(\.refundVAT),
                sum(\.netVAT), sum(\.otherMonthVAT),
            ])
        }
        let sales = labels.vatSales
        let refunds = labels.vatRefunds
        return XLSXWriter.Sheet(
            name: "VAT",
            header: [
                labels.vatRate, labels.currency, "\(sales): \(labels.items)", "\(sales): \(labels.gross)",
                "\(sales): \(labels.vat)", "\(refunds): \(labels.items)", "\(refunds): \(labels.gross)",
                "\(refunds): \(labels.vat)", labels.netVAT, labels.otherMonthVAT("").trimmingCharacters(in: [" ", ":"]),
            ],
            rows: rows)
    }

    // MARK: - Register

    /// Column headers in the report's language, in `RegisterCSV.columns` order.
    var registerHeader: [String] {
        let l = labels
        let extra = Self.registerExtraLabels[language] ?? Self.registerExtraLabels[.en] ?? [:]
        return RegisterCSV.columns.map { column in
            switch column {
            case "event": l.event
            case "transaction_id": l.transaction
            case "occurred_at": l.dateTime
            case "amount": l.amount
            case "currency": l.currency
            case "status": l.status
            case "vendor_order_id": l.vendorOrder
            case "receipt_total": l.receiptTotal
            case "vat_amount": l.vat
            case "related_transaction_date": l.originalPayment
            case "source": l.source
            case "note": l.note
            default: extra[column] ?? column
            }
        }
    }

    /// Headers the HTML report has no label for.
    static let registerExtraLabels: [ReportLanguage: [String: String]] = [
        .en: ["type": "Type", "fiscal_sign": "Fiscal sign", "terminal_id": "Terminal (FM)",
              "receipt_number": "Receipt number", "commissioner_tin": "Commissioner TIN", "receipt_url": "Receipt link"],
        .ru: ["type": "Тип", "fiscal_sign": "Фискальный признак", "terminal_id": "Терминал (ФМ)",
              "receipt_number": "Номер чека", "commissioner_tin": "ИНН комиссионера", "receipt_url": "Ссылка на чек"],
        .uz: ["type": "Turi", "fiscal_sign": "Fiskal belgi", "terminal_id": "Terminal (FM)",
              "receipt_number": "Chek raqami", "commissioner_tin": "Komissioner STIR", "receipt_url": "Chek havolasi"],
    ]

    /// One register row: the CSV row's values as typed cells.
    static func registerRow(_ entry: RegisterEntry) -> [XLSXWriter.Cell] {
        let receipt = entry.receipt
        func text(_ value: String?) -> XLSXWriter.Cell { value.map { $0.isEmpty ? .empty : .text($0) } ?? .empty }
        return [
            .text(entry.event.rawValue),
            .integer(String(entry.transactionID.rawValue)),
            .text(entry.transactionType.rawValue),
            local(entry.occurredAt),
            money(entry.amount),
            .text(entry.amount.currency.alphaCode),
            .integer(String(entry.status.rawValue)),
            text(entry.vendorOrderID),
            text(receipt?.fiscalSign),
            text(receipt?.terminalID),
            text(receipt?.receiptNumber),
            receipt.map { money(RegisterRow.signed($0.total, like: entry)) } ?? .empty,
            receipt.map { money(RegisterRow.signed($0.vatAmount, like: entry)) } ?? .empty,
            text(receipt?.commissionerTIN),
            text(entry.receiptURL),
            entry.relatedTransactionDate.map(local) ?? .empty,
            .text(entry.source.rawValue),
            text(entry.note),
        ]
    }

    /// The register sheet's (fixed) name.
    static let registerSheetName = "Register"

    func registerSheet(_ entries: [RegisterEntry]) -> XLSXWriter.Sheet {
        XLSXWriter.Sheet(
            name: Self.registerSheetName, header: registerHeader, rows: entries.map(Self.registerRow), landscape: true,
            fitToPageWidth: false)
    }

    // MARK: - Exceptions

    func exceptionsSheet() -> XLSXWriter.Sheet {
        let l = labels
        var rows: [[XLSXWriter.Cell]] = summary.exceptions.details.map { exception in
            var details: [String] = []
            if let total = exception.receiptTotal {
                details.append(l.mismatch(language.format(total), language.format(total - exception.amount)))
            }
            if let reason = exception.missingReason { details.append(l.missingReason(reason)) }
            if let reason = exception.pipelineReason { details.append(reason) }
            if let deadline = exception.deadline {
                details.append(l.deadline(language.date(deadline)) + (exception.isOverdue ? " (\(l.overdue))" : ""))
            }
            if case .unknownStatus = exception.kind { details.append(l.unknownStatus(String(exception.status.rawValue))) }
            return [
                .text(l.exceptionKind(exception.kind)), .integer(String(exception.transactionID.rawValue)),
                .text(exception.event.rawValue), Self.local(exception.occurredAt), Self.money(exception.amount),
                .text(exception.amount.currency.alphaCode), .integer(String(exception.status.rawValue)),
                exception.vendorOrderID.map { .text($0) } ?? .empty, .text(details.joined(separator: "; ")),
            ]
        }
        if summary.exceptions.isTruncated {
            rows.append([.text(l.exceptionsTruncated(
                language.format(count: summary.exceptions.details.count), language.format(count: summary.exceptions.total)))])
        }
        return XLSXWriter.Sheet(
            name: "Exceptions",
            header: [l.exception, l.transaction, l.event, l.dateTime, l.amount, l.currency, l.status, l.vendorOrder,
                     l.details],
            rows: rows, landscape: true)
    }
}
