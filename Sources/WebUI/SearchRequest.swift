import Archive
import FiscalCore
import Foundation

/// A search as the auditor typed it (`/search` and `/api/search`), and how it maps to archive lookups.
///
/// One box takes any identifier. A run of digits is ambiguous (a 9-digit number may be a transaction id or a TIN),
/// so it is looked up as every identifier it could be, and the hits are merged; each hit says what matched.
struct SearchRequest: Sendable {
    /// One archive lookup and what it means, for people.
    struct Lookup: Sendable {
        var criterion: LookupQuery.Criterion
        var label: String
    }

    var q: String
    var terminal: String
    var receipt: String
    var from: String
    var to: String
    var min: String
    var max: String
    /// 1-based.
    var page: Int
    var lookups: [Lookup]
    var dates: Range<Int64>?
    var amounts: ClosedRange<Int64>?

    /// The highest page number accepted (a bound on the work one request can ask for).
    static let maxPage = 1000

    /// Reads the form; a bad filter throws a message for the auditor.
    init(_ fields: SearchFields) throws(WebError) {
        q = String((FormFields.text(fields.q) ?? "").prefix(256))
        terminal = FormFields.text(fields.terminal) ?? ""
        receipt = FormFields.text(fields.receipt) ?? ""
        from = FormFields.text(fields.from) ?? ""
        to = FormFields.text(fields.to) ?? ""
        min = FormFields.text(fields.min) ?? ""
        max = FormFields.text(fields.max) ?? ""
        page = 1
        lookups = []
        if let text = FormFields.text(fields.page) {
            guard let number = Int(text), number >= 1, number <= Self.maxPage else {
                throw WebError(.badRequest, "The page must be a number from 1 to \(Self.maxPage)")
            }
            page = number
        }
        dates = try Self.dateRange(from: from, to: to)
        amounts = try Self.amountRange(min: min, max: max)
        lookups = try Self.interpret(q: q, terminal: terminal, receipt: receipt)
    }

    /// The form's values, to show them again.
    var form: SearchForm {
        SearchForm(
            q: q, terminal: terminal, receipt: receipt, from: from, to: to, min: min, max: max,
            hasFilters: !(terminal.isEmpty && receipt.isEmpty && from.isEmpty && to.isEmpty && min.isEmpty
                && max.isEmpty))
    }

    /// The query string of another page of the same search.
    func query(page: Int) -> String {
        FormFields.query([
            ("q", q), ("terminal", terminal), ("receipt", receipt), ("from", from), ("to", to), ("min", min),
            ("max", max), ("page", page == 1 ? nil : String(page)),
        ])
    }

    /// What the search looks for, for people: `fiscal sign 088681055845 or TIN 307578794, paid 2026-10-01…`.
    var interpretation: String {
        var text = lookups.map(\.label).joined(separator: " or ")
        if !from.isEmpty || !to.isEmpty {
            text += ", paid \(from.isEmpty ? "…" : from) to \(to.isEmpty ? "…" : to)"
        }
        if !min.isEmpty || !max.isEmpty {
            text += ", amount \(min.isEmpty ? "…" : min) to \(max.isEmpty ? "…" : max) UZS"
        }
        return text
    }

    // MARK: - Interpretation

    static func interpret(q: String, terminal: String, receipt: String) throws(WebError) -> [Lookup] {
        if !terminal.isEmpty || !receipt.isEmpty {
            guard !terminal.isEmpty, !receipt.isEmpty else {
                throw WebError(.badRequest, "Give both the terminal and the receipt number")
            }
            guard isTerminal(terminal), isDigits(receipt, max: 20) else {
                throw WebError(.badRequest, "The terminal must be letters and digits, the receipt number digits")
            }
            var lookups = [terminalLookup(terminal, receipt)]
            if !q.isEmpty { lookups += try interpret(q: q, terminal: "", receipt: "") }
            return lookups
        }
        let text = q.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return [Lookup(criterion: .all, label: "all transactions")] }
        if text.lowercased().hasPrefix("http"), let reference = try? ReceiptReference(url: text) {
            return [
                Lookup(criterion: .fiscalSign(reference.fiscalSign), label: "fiscal sign \(reference.fiscalSign)"),
                terminalLookup(reference.terminalID, reference.receiptNumber),
            ]
        }
        let pair = text.split(whereSeparator: { $0 == "/" || $0 == " " }).map(String.init)
        if pair.count == 2, isTerminal(pair[0]), pair[0].contains(where: \.isLetter), isDigits(pair[1], max: 20) {
            return [terminalLookup(pair[0], pair[1])]
        }
        let digits = text.filter { $0 != " " }
        if isDigits(digits, max: 20) {
            var lookups: [Lookup] = []
            if digits.count <= 18, !digits.hasPrefix("0"), let id = TransactionID(parsing: digits) {
                lookups.append(Lookup(criterion: .transaction(id), label: "transaction \(id)"))
            }
            lookups.append(Lookup(criterion: .fiscalSign(digits), label: "fiscal sign \(digits)"))
            if digits.count == 9 || digits.count == 14 {
                lookups.append(Lookup(criterion: .tin(digits), label: "TIN \(digits)"))
            }
            return lookups
        }
        return [Lookup(criterion: .text(text), label: "words “\(text)”")]
    }

    private static func terminalLookup(_ terminal: String, _ receipt: String) -> Lookup {
        Lookup(
            criterion: .terminalReceipt(terminal: terminal.uppercased(), receipt: receipt),
            label: "terminal \(terminal.uppercased()) receipt \(receipt)")
    }

    private static func isTerminal(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32 && text.unicodeScalars.allSatisfy {
            ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
        }
    }

    private static func isDigits(_ text: String, max: Int) -> Bool {
        !text.isEmpty && text.count <= max && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }

    // MARK: - Filters

    /// `from`…`to` inclusive Tashkent dates → `[from 00:00, to+1 00:00)` in Unix seconds.
    static func dateRange(from: String, to: String) throws(WebError) -> Range<Int64>? {
        if from.isEmpty && to.isEmpty { return nil }
        let start = from.isEmpty ? Int64.min : try startOfDay(from)
        let end = to.isEmpty ? Int64.max : try startOfDay(to) + 86_400
        guard start < end else { throw WebError(.badRequest, "The start date is after the end date") }
        return start..<end
    }

    private static func startOfDay(_ text: String) throws(WebError) -> Int64 {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1970, year <= 9999
        else { throw WebError(.badRequest, "Dates are written YYYY-MM-DD, not “\(text.prefix(40))”") }
        let local = Tashkent.LocalDateTime(year: year, month: month, day: day)
        guard local.isValid else { throw WebError(.badRequest, "There is no date \(text)") }
        return local.epochSeconds
    }

    /// Amounts in UZS major units (`150000`, `56,990.00`) → minor units.
    static func amountRange(min: String, max: String) throws(WebError) -> ClosedRange<Int64>? {
        if min.isEmpty && max.isEmpty { return nil }
        let low = min.isEmpty ? Int64.min : try minorUnits(min)
        let high = max.isEmpty ? Int64.max : try minorUnits(max)
        guard low <= high else { throw WebError(.badRequest, "The smallest amount is above the largest") }
        return low...high
    }

    private static func minorUnits(_ text: String) throws(WebError) -> Int64 {
        do {
            let money = try Money(parsing: text, currency: .uzs)
            guard !money.isNegative else { throw WebError(.badRequest, "Amounts cannot be negative") }
            return money.minorUnits
        } catch let error as WebError {
            throw error
        } catch {
            throw WebError(.badRequest, "“\(text.prefix(40))” is not an amount (write 150000 or 56,990.00)")
        }
    }
}
