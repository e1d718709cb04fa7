import FiscalCore

/// Reads the items of `table.products-tables`: each `tr.products-row` starts an item, the label rows after it
/// (`nds-row`, `code-row`) fill it in by their label text, in any order, any of them absent.
enum ItemExtraction {
    /// Item sub-row labels, as label keys.
    enum Label {
        static let vatAmount = "qqs qiymati"
        static let vatRate = "qqs foizi"
        static let discountOther = "chegirma/boshqa"
        static let barcode = "shtrix kodi"
        static let mxikCode = "mxik kodi"
        static let mxikName = "mxik nomi"
        static let unit = "o'lchov birligi"
        static let markingCode = "markirovka kodi"
        static let commissionerTIN = ["komitent stir/jshshir", "komitent stir", "komitent jshshir"]
    }

    /// An item being collected: the product row's cells and the sub-rows' values by label key.
    private struct Draft {
        var index: Int
        var name: String
        var quantity: String
        var lineTotal: String
        var values: [String: String] = [:]
    }

    static func items(from rows: [HTMLNode]) throws(ReceiptParseError) -> [ReceiptItem] {
        var drafts: [Draft] = []
        for row in rows {
            let cells = row.children(named: "td")
            if row.hasClass("products-row") || cells.contains(where: { $0.hasClass("price-sum") }) {
                guard cells.count >= 3, let first = cells.first else {
                    throw ReceiptParseError(
                        state: .receipt, field: "items[\(drafts.count)]", location: "tr.products-row",
                        reason: "expected name, quantity and price cells, found \(cells.count)")
                }
                let price = cells.first(where: { $0.hasClass("price-sum") }) ?? cells[cells.count - 1]
                drafts.append(Draft(
                    index: drafts.count, name: TextNormalization.trimmed(first.text),
                    quantity: TextNormalization.trimmed(cells[1].text), lineTotal: TextNormalization.trimmed(price.text)))
                continue
            }
            guard !drafts.isEmpty, cells.count >= 2, let first = cells.first, let last = cells.last else { continue }
            let key = TextNormalization.labelKey(first.text)
            guard drafts[drafts.count - 1].values[key] == nil else { continue }
            drafts[drafts.count - 1].values[key] = key == Label.markingCode ? markingCode(in: last) : TextNormalization.trimmed(last.text)
        }
        var items: [ReceiptItem] = []
        items.reserveCapacity(drafts.count)
        for draft in drafts { items.append(try item(draft)) }
        return items
    }

    /// The marking codes of a cell: the text after the `.markirovka_class` badge when there is one, else the text.
    private static func markingCode(in cell: HTMLNode) -> String {
        let badges = cell.descendants(where: { $0.hasClass("markirovka_class") })
        guard let badge = badges.first else { return TextNormalization.trimmed(cell.text) }
        return TextNormalization.trimmed(badge.followingElementSiblings.map(\.text).joined(separator: " "))
    }

    private static func item(_ draft: Draft) throws(ReceiptParseError) -> ReceiptItem {
        let prefix = "items[\(draft.index)]"
        guard !draft.name.isEmpty else { throw .missing("\(prefix).name", at: "tr.products-row/td[1]") }
        let quantity: ExactDecimal
        do {
            quantity = try ExactDecimal(parsing: draft.quantity)
        } catch {
            throw .invalid("\(prefix).quantity", at: "tr.products-row/td[2]", text: draft.quantity, error.reason)
        }
        let lineTotal = try money(draft.lineTotal, field: "\(prefix).lineTotal", row: "td.price-sum")
        let vatAmount = try draft.values[Label.vatAmount].map { (text) throws(ReceiptParseError) in
            try money(text, field: "\(prefix).vatAmount", row: "row \"QQS qiymati\"")
        } ?? .zero(.uzs)

        var vatRate: ExactDecimal?
        if let text = draft.values[Label.vatRate] {
            var digits = TextNormalization.trimmed(text)
            if digits.hasSuffix("%") { digits = TextNormalization.trimmed(String(digits.dropLast())) }
            if !digits.isEmpty {
                do {
                    vatRate = try ExactDecimal(parsing: digits)
                } catch {
                    throw .invalid("\(prefix).vatRate", at: "row \"QQS foizi\"", text: text, error.reason)
                }
            }
        }

        var discount = Money.zero(.uzs)
        var other = Money.zero(.uzs)
        if let text = draft.values[Label.discountOther], !text.isEmpty {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                throw .invalid("\(prefix).discount", at: "row \"Chegirma/Boshqa\"", text: text, "expected DISCOUNT/OTHER")
            }
            discount = try money(String(parts[0]), field: "\(prefix).discount", row: "row \"Chegirma/Boshqa\"", emptyIsZero: true)
            if parts.count == 2 {
                other = try money(String(parts[1]), field: "\(prefix).other", row: "row \"Chegirma/Boshqa\"", emptyIsZero: true)
            }
        }

        let commissioner = Label.commissionerTIN.lazy.compactMap { draft.values[$0] }.first
        return ReceiptItem(
            name: draft.name, quantity: quantity, lineTotal: lineTotal, discount: discount, other: other,
            vatRate: vatRate, vatAmount: vatAmount,
            barcode: draft.values[Label.barcode].flatMap(TextNormalization.nonEmpty),
            mxikCode: draft.values[Label.mxikCode].flatMap(TextNormalization.nonEmpty),
            mxikName: draft.values[Label.mxikName].flatMap(TextNormalization.nonEmpty),
            unit: draft.values[Label.unit].flatMap(TextNormalization.nonEmpty),
            markingCode: draft.values[Label.markingCode].flatMap(TextNormalization.nonEmpty),
            commissionerTIN: commissioner.flatMap(TextNormalization.nonEmpty))
    }

    private static func money(_ text: String, field: String, row: String, emptyIsZero: Bool = false)
        throws(ReceiptParseError) -> Money
    {
        let trimmed = TextNormalization.trimmed(text)
        if emptyIsZero && trimmed.isEmpty { return .zero(.uzs) }
        do {
            return try Money(parsing: trimmed, currency: .uzs)
        } catch {
            throw .invalid(field, at: row, text: text, error.reason)
        }
    }
}
