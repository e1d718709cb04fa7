import FiscalCore

/// One pass over a classified receipt page: collects the header fields and the items, then builds the receipt.
struct PageExtraction {
    let document: HTMLDocument
    let scan: PageScan
    let reference: ReceiptReference?

    /// Row labels of the payment block, as label keys.
    enum Label {
        static let cash = "naqd pul"
        static let card = "bank kartalari"
        static let cardType = "bank kartasi turi"
        static let rrn = "rrn"
        static let total = "jami to'lov"
        static let vatTotal = "umumiy qqs qiymati"
        static let fiscalSign = "fiskal belgi"
        static let receiptNumber = "chek raqami"
        static let cashRegister = "onlayn nkm nomi"
        static let marketplace = "marketpleys nomi"
        static let serial = "sn"
    }

    init(document: HTMLDocument, scan: PageScan, reference: ReceiptReference?) {
        self.document = document
        self.scan = scan
        self.reference = reference
    }

    mutating func receipt() throws(ReceiptParseError) -> FiscalReceipt {
        var headerRows: [HTMLNode] = []
        var itemRows: [HTMLNode] = []
        for row in scan.innermostRows {
            if row.ancestor(where: { $0.isElement("table") && $0.hasClass("products-tables") }) != nil {
                itemRows.append(row)
            } else {
                headerRows.append(row)
            }
        }

        // Two-cell label rows and "Label : <b>value</b>" spans, first occurrence wins.
        var cells: [String: String] = [:]
        var totalRow: HTMLNode?
        var spans: [String: String] = [:]
        var terminal: String?
        var issued: Tashkent.LocalDateTime?
        for row in headerRows {
            let tds = row.children(named: "td")
            if tds.count >= 2, let first = tds.first, let last = tds.last {
                let key = TextNormalization.labelKey(first.text)
                if cells[key] == nil { cells[key] = TextNormalization.trimmed(last.text) }
                if key == Label.total, totalRow == nil { totalRow = row }
            }
            for td in tds {
                for span in td.descendants(where: { $0.isElement("span") && $0.hasClass("left") }) {
                    let text = span.text
                    guard let colon = text.firstIndex(of: ":") else { continue }
                    let key = TextNormalization.labelKey(String(text[..<colon]))
                    let value = TextNormalization.trimmed(String(text[text.index(after: colon)...]))
                    if spans[key] == nil { spans[key] = value }
                }
                if terminal == nil, let candidate = Self.terminalID(in: td) { terminal = candidate }
                if issued == nil {
                    for italic in td.children(named: "i") {
                        if let time = Self.localTime(TextNormalization.trimmed(italic.text)) {
                            issued = time
                            break
                        }
                    }
                }
            }
        }

        let kind = try self.kind()
        let seller = try self.seller()
        guard let terminal else { throw .missing("terminalID", at: "a row whose cell holds only <b>TERMINAL</b>") }
        guard let receiptNumber = spans[Label.receiptNumber].flatMap(TextNormalization.nonEmpty) else {
            throw .missing("receiptNumber", at: "span.left \"Chek raqami :\"")
        }
        guard var issuedAt = issued else { throw .missing("issuedAt", at: "td/i \"DD.MM.YYYY, HH:MM\"") }
        if let linked = reference?.localDateTime, linked.year == issuedAt.year, linked.month == issuedAt.month,
            linked.day == issuedAt.day, linked.hour == issuedAt.hour, linked.minute == issuedAt.minute
        {
            issuedAt.second = linked.second
        }

        var fiscalSign = cells[Label.fiscalSign].flatMap(TextNormalization.nonEmpty)
        if let sign = fiscalSign, !sign.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            throw .invalid("fiscalSign", at: "row \"Fiskal belgi\"", text: sign, "not digits")
        }
        if fiscalSign == nil { fiscalSign = reference?.fiscalSign }

        var cashRegister: FiscalReceipt.CashRegister?
        if let name = spans[Label.cashRegister].flatMap(TextNormalization.nonEmpty) {
            cashRegister = FiscalReceipt.CashRegister(name: name, serial: spans[Label.serial].flatMap(TextNormalization.nonEmpty))
        }
        let marketplace = spans[Label.marketplace].flatMap(TextNormalization.nonEmpty)

        let payment = FiscalReceipt.Payment(
            cash: try money(cells, Label.cash, field: "payment.cash", row: "Naqd pul"),
            card: try money(cells, Label.card, field: "payment.card", row: "Bank kartalari"),
            cardType: cells[Label.cardType].flatMap(TextNormalization.nonEmpty),
            rrn: cells[Label.rrn].flatMap(TextNormalization.nonEmpty))
        let total = try money(cells, Label.total, field: "total", row: "Jami to`lov:")
        // libxml2 closes whatever a truncated download left open, so a cut inside the receipt table would still
        // give values (a shortened VAT total or fiscal sign). The real template always has content after the
        // receipt table (the QR block): without it, the page is treated as truncated.
        if let table = totalRow?.ancestor(where: { $0.isElement("table") }), !table.hasFollowingElement {
            throw ReceiptParseError(
                state: .receipt, field: "page", location: "the receipt table's following content",
                reason: "the page ends inside the receipt table (truncated download)")
        }
        let items = try ItemExtraction.items(from: itemRows)
        guard !items.isEmpty else {
            throw .missing("items", at: "table.products-tables tr.products-row")
        }
        // A receipt whose items carry no VAT may omit the VAT total row; otherwise it is required.
        let vatTotal = cells[Label.vatTotal] == nil && items.allSatisfy({ $0.vatAmount.minorUnits == 0 })
            ? Money.zero(.uzs) : try money(cells, Label.vatTotal, field: "vatTotal", row: "Umumiy QQS qiymati")
        return FiscalReceipt(
            kind: kind, source: .html, terminalID: terminal, receiptNumber: receiptNumber, fiscalSign: fiscalSign,
            issuedAt: issuedAt.date, seller: seller, marketplace: marketplace, cashRegister: cashRegister,
            items: items, payment: payment, total: total, vatTotal: vatTotal)
    }

    private func money(_ cells: [String: String], _ key: String, field: String, row: String) throws(ReceiptParseError)
        -> Money
    {
        guard let text = cells[key] else { throw .missing(field, at: "row \"\(row)\"") }
        do {
            return try Money(parsing: text, currency: .uzs)
        } catch {
            throw .invalid(field, at: "row \"\(row)\"", text: text, error.reason)
        }
    }

    /// The receipt type from the title `h3` ("Savdo cheki/Sotuv", "Savdo cheki/Qaytarish", …), refined by the link.
    private func kind() throws(ReceiptParseError) -> FiscalReceipt.Kind {
        for heading in scan.headings where !Self.isBold(heading) {
            let key = TextNormalization.labelKey(heading.text)
            let parsed: FiscalReceipt.Kind?
            if key.contains("qaytarish") || key.contains("возврат") {
                parsed = .refund
            } else if key.contains("avans") || key.contains("аванс") {
                parsed = .advance
            } else if key.contains("kredit") || key.contains("кредит") {
                parsed = .credit
            } else if key.contains("sotuv") || key.contains("savdo") || key.contains("продажа") {
                parsed = .sale
            } else {
                parsed = nil
            }
            guard let parsed else { continue }
            if parsed == .sale, let page = reference?.pageKind {
                if page == .advance { return .advance }
                if page == .credit { return .credit }
            }
            return parsed
        }
        throw .missing("kind", at: "//h3 \"Savdo cheki/Sotuv\"")
    }

    /// The seller block: bold `h3` name, the cell's own text nodes as the address, its `i` as the TIN.
    private func seller() throws(ReceiptParseError) -> FiscalReceipt.Seller {
        guard let heading = scan.headings.first(where: Self.isBold) else {
            throw .missing("seller.name", at: "//h3[contains(@style, 'bold')]")
        }
        let name = TextNormalization.trimmed(heading.text)
        guard !name.isEmpty else { throw .missing("seller.name", at: "//h3[contains(@style, 'bold')]") }
        let cell = heading.ancestor(where: { $0.isElement("td") })
        var address = ""
        var tin = ""
        for child in cell?.children ?? [] {
            if child.isText {
                address += child.text
            } else if child.isElement("i"), tin.isEmpty {
                tin = TextNormalization.trimmed(child.text)
            }
        }
        guard !tin.isEmpty else { throw .missing("seller.tin", at: "td[h3]/i") }
        return FiscalReceipt.Seller(name: name, tin: tin, address: TextNormalization.trimmed(address))
    }

    private static func isBold(_ node: HTMLNode) -> Bool {
        TextNormalization.labelKey(node.attribute("style") ?? "").contains("bold")
    }

    /// The terminal id cell: its only element child is a `b` holding all of its text.
    private static func terminalID(in td: HTMLNode) -> String? {
        let elements = td.children.filter(\.isElement)
        guard elements.count == 1, let bold = elements.first, bold.isElement("b") else { return nil }
        let value = TextNormalization.trimmed(bold.text)
        guard !value.isEmpty, value.utf8.count <= 32, TextNormalization.trimmed(td.text) == value,
            value.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }),
            value.utf8.contains(where: { (48...57).contains($0) })
        else { return nil }
        return value
    }

    /// Reads `DD.MM.YYYY, HH:MM` (also without the comma, and with `:SS`).
    static func localTime(_ text: String) -> Tashkent.LocalDateTime? {
        let bytes = Array(text.utf8)
        var numbers: [Int] = []
        var separators: [UInt8] = []
        var current: Int?
        var digits = 0
        for byte in bytes {
            if (48...57).contains(byte) {
                digits += 1
                guard digits <= 4 else { return nil }
                current = (current ?? 0) * 10 + Int(byte - 48)
            } else {
                if let value = current { numbers.append(value) }
                current = nil
                digits = 0
                if byte != UInt8(ascii: " ") { separators.append(byte) }
            }
        }
        if let value = current { numbers.append(value) }
        let dot = UInt8(ascii: "."), colon = UInt8(ascii: ":"), comma = UInt8(ascii: ",")
        guard numbers.count == 5 || numbers.count == 6 else { return nil }
        let expected: [UInt8] = numbers.count == 5 ? [dot, dot, colon] : [dot, dot, colon, colon]
        guard separators.filter({ $0 != comma }) == expected, separators.filter({ $0 == comma }).count <= 1 else {
            return nil
        }
        let local = Tashkent.LocalDateTime(
            year: numbers[2], month: numbers[1], day: numbers[0], hour: numbers[3], minute: numbers[4],
            second: numbers.count == 6 ? numbers[5] : 0)
        return local.isValid && local.year >= 2000 ? local : nil
    }
}
