import FiscalCore

/// Classifies a page and builds its receipt from ``PageFacts``, whichever extractor collected them.
///
/// Every field is found by its label (``Labels``), compared after whitespace, case and apostrophe normalisation.
/// Where the page labels a field, the label wins; the real viewer does not label the terminal id (a cell holding
/// only `<b>TERMINAL</b>`), the issue time (a cell's `<i>DD.MM.YYYY, HH:MM</i>`) or the seller (the bold `h3`,
/// the cell's own text as the address, its `<i>` as the TIN), so those fall back to their place.
struct ReceiptAssembly {
    let facts: PageFacts
    let reference: ReceiptReference?
    private(set) var warnings: [ReceiptWarning] = []

    init(facts: PageFacts, reference: ReceiptReference?) {
        self.facts = facts
        self.reference = reference
    }

    // MARK: - Classification

    static func classify(_ facts: PageFacts) -> PageState {
        if facts.hasTicketWrap {
            // The template without any item and with a "not found" message is the viewer's answer for an unknown
            // receipt, not a broken receipt.
            if !facts.rows.contains(where: \.isProductsRow), looksNotFound(facts) { return .notFound }
            return .receipt
        }
        if facts.rows.contains(where: { row in
            row.cells.count >= 2 && Labels.header[TextNormalization.labelKey(row.cells[0].text)] == .total
        }) {
            return .receipt
        }
        if facts.hasSPARoot { return .spaShell }
        if looksNotFound(facts) { return .notFound }
        return .unrecognized
    }

    private static func looksNotFound(_ facts: PageFacts) -> Bool {
        for message in facts.messageTexts {
            let key = TextNormalization.labelKey(message.text)
            guard !key.isEmpty, key.count < 400 else { continue }
            if Labels.notFoundPhrases.contains(where: { Self.contains(key, $0) }) { return true }
            if message.isTitle, key.hasPrefix("404") || Self.contains(key, "(#404)") { return true }
        }
        return false
    }

    /// `key.contains(word)`, Foundation's literal search, answered on the UTF-8 bytes when `key` is ASCII (the
    /// viewer's titles and styles are): there, a match of bytes is a match of characters (a label key holds no
    /// `\r\n`, the one ASCII pair that is a single character), and a word with other characters cannot match.
    /// Through `NSString` (CoreFoundation's search, a bridged string per call) the title's kind words and the
    /// heading styles' "bold" alone were 1.4 % of parsing the real page. Other keys, and an empty word, keep
    /// Foundation's answer.
    static func contains(_ key: String, _ word: String) -> Bool {
        var key = key
        var word = word
        let answer: Bool? = key.withUTF8 { haystack in
            guard !haystack.contains(where: { $0 >= 0x80 }) else { return nil }
            return word.withUTF8 { needle in
                guard !needle.isEmpty else { return nil }
                guard needle.count <= haystack.count else { return false }
                candidates: for start in 0...(haystack.count - needle.count) {
                    for offset in 0..<needle.count where haystack[start + offset] != needle[offset] { continue candidates }
                    return true
                }
                return false
            }
        }
        return answer ?? key.contains(word)
    }

    /// Classifies, then builds the receipt or throws the state.
    static func parse(_ facts: PageFacts, reference: ReceiptReference?) throws(ReceiptParseError) -> ParsedReceipt {
        let state = classify(facts)
        switch state {
        case .receipt: break
        case .spaShell:
            throw ReceiptParseError(
                state: state, location: ReceiptPageParser.spaRootXPath, reason: "no ticket-wrap, only a script mount point")
        case .notFound: throw ReceiptParseError(state: state, reason: "the page says the receipt was not found")
        case .unrecognized:
            throw ReceiptParseError(state: state, reason: "no receipt table, SPA shell or not-found message")
        }
        var assembly = ReceiptAssembly(facts: facts, reference: reference)
        let receipt = try assembly.receipt()
        return ParsedReceipt(
            receipt: receipt,
            warnings: assembly.warnings + ConsistencyCheck.warnings(for: receipt).map(ReceiptWarning.consistency))
    }

    // MARK: - Receipt

    /// A labelled value with the label as the page wrote it.
    private struct Labelled {
        var label: String
        var value: String
    }

    mutating func receipt() throws(ReceiptParseError) -> FiscalReceipt {
        var header: [Labels.Header: Labelled] = [:]
        var others: [FiscalReceipt.Payment.NamedAmount] = []
        var otherLabels: Set<String> = []
        var totalRow: PageFacts.Row?
        var terminal: String?
        var issued: Tashkent.LocalDateTime?
        var itemRows: [PageFacts.Row] = []

        func record(_ field: Labels.Header, label: String, value: String, into header: inout [Labels.Header: Labelled],
                    warnings: inout [ReceiptWarning])
        {
            if let kept = header[field] {
                if kept.value != value {
                    warnings.append(.duplicateLabel(label: TextNormalization.trimmed(label), kept: kept.value, ignored: value))
                }
                return
            }
            header[field] = Labelled(label: label, value: value)
        }

        for row in facts.rows {
            if row.inProductsTable {
                itemRows.append(row)
                continue
            }
            if row.cells.count >= 2, let first = row.cells.first, let last = row.cells.last {
                let key = TextNormalization.labelKey(first.text)
                let value = TextNormalization.trimmed(last.text)
                if let field = Labels.header[key] {
                    record(field, label: first.text, value: value, into: &header, warnings: &warnings)
                    if field == .total, totalRow == nil { totalRow = row }
                } else if Labels.isOtherPaymentMethod(key), !value.isEmpty {
                    let method = Self.labelText(first.text)
                    guard otherLabels.insert(key).inserted else {
                        let kept = others.first(where: { TextNormalization.labelKey($0.method) == key })
                        warnings.append(.duplicateLabel(
                            label: method, kept: kept?.amount.groupedDecimalString ?? "", ignored: value))
                        continue
                    }
                    others.append(.init(method: method, amount: try Self.money(value, field: "payment.others[\(method)]", row: method)))
                }
            }
            for cell in row.cells {
                for span in cell.spans {
                    guard let colon = span.firstIndex(of: ":") else { continue }
                    let key = TextNormalization.labelKey(String(span[..<colon]))
                    guard let field = Labels.header[key] else { continue }
                    let value = TextNormalization.trimmed(String(span[span.index(after: colon)...]))
                    record(field, label: String(span[..<colon]), value: value, into: &header, warnings: &warnings)
                }
                if terminal == nil, let bold = cell.onlyBold, let candidate = Self.terminalID(bold, cellText: cell.text) {
                    terminal = candidate
                }
                if issued == nil {
                    for italic in cell.italics {
                        if let time = Self.localTime(TextNormalization.trimmed(italic)) {
                            issued = time
                            break
                        }
                    }
                }
            }
        }
        func value(_ field: Labels.Header) -> String? { header[field].flatMap { TextNormalization.nonEmpty($0.value) } }

        let kind = try self.kind()
        let seller = try self.seller(labelled: value)
        if let labelled = value(.terminal) { terminal = labelled }
        guard let terminal else {
            throw .missing("terminalID", at: "row \"Terminal\" or a cell holding only <b>TERMINAL</b>")
        }
        guard let receiptNumber = value(.receiptNumber) else {
            throw .missing("receiptNumber", at: "span.left \"Chek raqami :\"")
        }
        if let text = value(.issuedAt) {
            guard let time = Self.localTime(text) else {
                throw .invalid("issuedAt", at: "row \"\(TextNormalization.trimmed(header[.issuedAt]!.label))\"", text: text, "not DD.MM.YYYY, HH:MM")
            }
            issued = time
        }
        guard var issuedAt = issued else { throw .missing("issuedAt", at: "td/i \"DD.MM.YYYY, HH:MM\"") }
        if let linked = reference?.localDateTime, linked.year == issuedAt.year, linked.month == issuedAt.month,
            linked.day == issuedAt.day, linked.hour == issuedAt.hour, linked.minute == issuedAt.minute
        {
            issuedAt.second = linked.second
        }

        var fiscalSign = value(.fiscalSign)
        if let sign = fiscalSign, !sign.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            throw .invalid("fiscalSign", at: "row \"Fiskal belgi\"", text: sign, "not digits")
        }
        if fiscalSign == nil { fiscalSign = reference?.fiscalSign }

        var cashRegister: FiscalReceipt.CashRegister?
        if let name = value(.cashRegister) {
            cashRegister = FiscalReceipt.CashRegister(name: name, serial: value(.serial))
        }
        let marketplace = value(.marketplace)

        func money(_ field: Labels.Header, _ name: String) throws(ReceiptParseError) -> Money? {
            guard let labelled = header[field] else { return nil }
            return try Self.money(labelled.value, field: name, row: field.display)
        }
        let payment = FiscalReceipt.Payment(
            cash: try money(.cash, "payment.cash"), card: try money(.card, "payment.card"),
            cardType: value(.cardType), rrn: value(.rrn), others: others)
        guard let total = try money(.total, "total") else { throw .missing("total", at: "row \"Jami to`lov:\"") }
        // libxml2 closes whatever a truncated download left open, so a cut inside the receipt table would still
        // give values (a shortened VAT total or fiscal sign). The real template always has content after the
        // receipt table (the QR block): without it, the page is treated as truncated.
        if let totalRow, !totalRow.tableHasFollowingElement {
            throw ReceiptParseError(
                state: .receipt, field: "page", location: "the receipt table's following content",
                reason: "the page ends inside the receipt table (truncated download)")
        }
        let items = try self.items(from: itemRows)
        guard !items.isEmpty else {
            throw .missing("items", at: "table.products-tables tr.products-row")
        }
        // A receipt whose items carry no VAT may omit the VAT total row; otherwise it is required.
        let vatTotal: Money
        if let stated = try money(.vatTotal, "vatTotal") {
            vatTotal = stated
        } else if items.allSatisfy({ $0.vatAmount.minorUnits == 0 }) {
            vatTotal = .zero(.uzs)
        } else {
            throw .missing("vatTotal", at: "row \"Umumiy QQS qiymati\"")
        }
        return FiscalReceipt(
            kind: kind, source: .html, terminalID: terminal, receiptNumber: receiptNumber, fiscalSign: fiscalSign,
            issuedAt: issuedAt.date, seller: seller, marketplace: marketplace, cashRegister: cashRegister,
            items: items, payment: payment, total: total, vatTotal: vatTotal)
    }

    /// A label as written, trimmed, without a trailing colon.
    private static func labelText(_ text: String) -> String {
        var label = TextNormalization.trimmed(text)
        while label.hasSuffix(":") { label = TextNormalization.trimmed(String(label.dropLast())) }
        return label
    }

    /// `field` is only built when the text does not read (an item's field names are interpolated strings).
    static func money(_ text: String, field: @autoclosure () -> String, row: String, emptyIsZero: Bool = false)
        throws(ReceiptParseError) -> Money
    {
        let trimmed = TextNormalization.trimmed(text)
        if emptyIsZero && trimmed.isEmpty { return .zero(.uzs) }
        do {
            return try Money(reading: trimmed, style: .pageAmount, currency: .uzs)
        } catch {
            throw .invalid(field(), at: "row \"\(row)\"", text: text, error.reason)
        }
    }

    /// The receipt type from the title `h3` ("Savdo cheki/Sotuv", "Savdo cheki/Qaytarish", …), refined by the link.
    private func kind() throws(ReceiptParseError) -> FiscalReceipt.Kind {
        for heading in facts.headings where !Self.isBold(heading) {
            let key = TextNormalization.labelKey(heading.text)
            guard let word = Labels.kinds.first(where: { $0.words.contains(where: { Self.contains(key, $0) }) })?.kind else { continue }
            switch word {
            case .refund: return .refund
            case .advance: return .advance
            case .credit: return .credit
            case .sale:
                if let page = reference?.pageKind {
                    if page == .advance { return .advance }
                    if page == .credit { return .credit }
                }
                return .sale
            }
        }
        throw .missing("kind", at: "//h3 \"Savdo cheki/Sotuv\"")
    }

    /// The seller: labelled rows ("Sotuvchi", "STIR", "Manzil") where the page has them, else the bold `h3` name,
    /// the cell's own text nodes as the address and its first non-empty `i` as the TIN.
    private func seller(labelled value: (Labels.Header) -> String?) throws(ReceiptParseError) -> FiscalReceipt.Seller {
        let heading = facts.headings.first(where: Self.isBold)
        guard let name = value(.sellerName) ?? heading.flatMap({ TextNormalization.nonEmpty($0.text) }) else {
            throw .missing("seller.name", at: "row \"Sotuvchi\" or //h3[contains(@style, 'bold')]")
        }
        let italicTIN = heading?.cellItalics.lazy.compactMap(TextNormalization.nonEmpty).first
        guard let tin = value(.sellerTIN) ?? italicTIN else {
            throw .missing("seller.tin", at: "row \"STIR\" or td[h3]/i")
        }
        let address = value(.sellerAddress) ?? TextNormalization.trimmed(heading?.cellOwnText ?? "")
        return FiscalReceipt.Seller(name: name, tin: tin, address: address)
    }

    private static func isBold(_ heading: PageFacts.Heading) -> Bool {
        Self.contains(TextNormalization.labelKey(heading.style ?? ""), "bold")
    }

    /// The terminal id cell: its only element child is a `b` holding all of its text, letters and digits.
    private static func terminalID(_ bold: String, cellText: String) -> String? {
        let value = TextNormalization.trimmed(bold)
        guard !value.isEmpty, value.utf8.count <= 32, TextNormalization.trimmed(cellText) == value,
            value.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }),
            value.utf8.contains(where: { (48...57).contains($0) })
        else { return nil }
        return value
    }

    /// Reads `DD.MM.YYYY, HH:MM` (also without the comma, and with `:SS`).
    static func localTime(_ text: String) -> Tashkent.LocalDateTime? {
        var numbers: [Int] = []
        var separators: [UInt8] = []
        var current: Int?
        var digits = 0
        for byte in text.utf8 {
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

    // MARK: - Items

    /// An item being collected: the product row's cells and the sub-rows' values by label.
    private struct Draft {
        var index: Int
        var name: String
        var quantity: String
        var lineTotal: String
        var values = ItemValues()
    }

    /// An item's sub-row values by label, one slot per ``Labels/Item``: read and written like a dictionary, without
    /// hashing the label twice per sub-row.
    private struct ItemValues {
        private static let count = Labels.Item.allCases.count
        private var slots = [String?](repeating: nil, count: ItemValues.count)

        subscript(field: Labels.Item) -> String? {
            get { slots[Self.slot(field)] }
            set { slots[Self.slot(field)] = newValue }
        }

        private static func slot(_ field: Labels.Item) -> Int {
            switch field {
            case .vatAmount: 0
            case .vatRate: 1
            case .discountOther: 2
            case .discount: 3
            case .other: 4
            case .barcode: 5
            case .mxikCode: 6
            case .mxikName: 7
            case .unit: 8
            case .markingCode: 9
            case .commissionerTIN: 10
            }
        }
    }

    /// Each product row (`tr.products-row`, or a row with a `td.price-sum`) starts an item; the label rows after it
    /// fill it in by their label, in any order, any of them absent.
    private mutating func items(from rows: [PageFacts.Row]) throws(ReceiptParseError) -> [ReceiptItem] {
        var drafts: [Draft] = []
        for row in rows {
            let cells = row.cells
            if row.isProductsRow || cells.contains(where: \.isPriceSum) {
                guard cells.count >= 3, let first = cells.first else {
                    throw ReceiptParseError(
                        state: .receipt, field: "items[\(drafts.count)]", location: "tr.products-row",
                        reason: "expected name, quantity and price cells, found \(cells.count)")
                }
                let price = cells.first(where: \.isPriceSum) ?? cells[cells.count - 1]
                drafts.append(Draft(
                    index: drafts.count, name: TextNormalization.trimmed(first.text),
                    quantity: TextNormalization.trimmed(cells[1].text), lineTotal: TextNormalization.trimmed(price.text)))
                continue
            }
            guard !drafts.isEmpty, cells.count >= 2, let first = cells.first, let last = cells.last else { continue }
            guard let field = Labels.item[TextNormalization.labelKey(first.text)] else { continue }
            let value = field == .markingCode
                ? TextNormalization.trimmed(last.markingCode ?? last.text) : TextNormalization.trimmed(last.text)
            if let kept = drafts[drafts.count - 1].values[field] {
                if kept != value {
                    warnings.append(.duplicateLabel(
                        label: "items[\(drafts.count - 1)] " + TextNormalization.trimmed(first.text), kept: kept,
                        ignored: value))
                }
                continue
            }
            drafts[drafts.count - 1].values[field] = value
        }
        var items: [ReceiptItem] = []
        items.reserveCapacity(drafts.count)
        for draft in drafts { items.append(try item(draft)) }
        return items
    }

    private mutating func item(_ draft: Draft) throws(ReceiptParseError) -> ReceiptItem {
        // The field names of error messages, built only when one is thrown.
        let index = draft.index
        guard !draft.name.isEmpty else { throw .missing("items[\(index)].name", at: "tr.products-row/td[1]") }
        let quantity: ExactDecimal
        do {
            quantity = try ExactDecimal(reading: draft.quantity, style: .pageQuantity)
        } catch {
            throw .invalid("items[\(index)].quantity", at: "tr.products-row/td[2]", text: draft.quantity, error.reason)
        }
        let lineTotal = try Self.money(draft.lineTotal, field: "items[\(index)].lineTotal", row: "td.price-sum")
        let vatAmount = try draft.values[.vatAmount].map { (text) throws(ReceiptParseError) in
            try Self.money(text, field: "items[\(index)].vatAmount", row: "QQS qiymati", emptyIsZero: true)
        } ?? .zero(.uzs)

        var vatRate: ExactDecimal?
        if let text = draft.values[.vatRate] {
            switch try Self.rate(text, field: "items[\(index)].vatRate") {
            case .none: break
            case .noVAT:
                vatRate = ExactDecimal(0)
                warnings.append(.noVATRate(itemIndex: draft.index, text: TextNormalization.trimmed(text)))
            case .percent(let rate): vatRate = rate
            }
        }

        var discount = Money.zero(.uzs)
        var other = Money.zero(.uzs)
        if let text = draft.values[.discountOther], !text.isEmpty {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                throw .invalid("items[\(index)].discount", at: "row \"Chegirma/Boshqa\"", text: text, "expected DISCOUNT/OTHER")
            }
            discount = try Self.money(String(parts[0]), field: "items[\(index)].discount", row: "Chegirma/Boshqa", emptyIsZero: true)
            if parts.count == 2 {
                other = try Self.money(String(parts[1]), field: "items[\(index)].other", row: "Chegirma/Boshqa", emptyIsZero: true)
            }
        } else {
            if let text = draft.values[.discount] {
                discount = try Self.money(text, field: "items[\(index)].discount", row: "Chegirma", emptyIsZero: true)
            }
            if let text = draft.values[.other] {
                other = try Self.money(text, field: "items[\(index)].other", row: "Boshqa", emptyIsZero: true)
            }
        }

        return ReceiptItem(
            name: draft.name, quantity: quantity, lineTotal: lineTotal, discount: discount, other: other,
            vatRate: vatRate, vatAmount: vatAmount,
            barcode: draft.values[.barcode].flatMap(TextNormalization.nonEmpty),
            mxikCode: draft.values[.mxikCode].flatMap(TextNormalization.nonEmpty),
            mxikName: draft.values[.mxikName].flatMap(TextNormalization.nonEmpty),
            unit: draft.values[.unit].flatMap(TextNormalization.nonEmpty),
            markingCode: draft.values[.markingCode].flatMap(TextNormalization.nonEmpty),
            commissionerTIN: draft.values[.commissionerTIN].flatMap(TextNormalization.nonEmpty))
    }

    /// A VAT-rate cell: empty (no rate), a "no VAT" phrase, or a percentage (`12`, `12%`, `12 %`, `12,5 %`).
    enum Rate: Equatable, Sendable {
        case none
        case noVAT
        case percent(ExactDecimal)
    }

    static func rate(_ text: String, field: @autoclosure () -> String) throws(ReceiptParseError) -> Rate {
        let key = TextNormalization.labelKey(text)
        if key.isEmpty { return .none }
        if Labels.noVAT.contains(key) { return .noVAT }
        var digits = TextNormalization.trimmed(text)
        if digits.hasSuffix("%") { digits = TextNormalization.trimmed(String(digits.dropLast())) }
        do throws(MoneyParseError) {
            let rate = try ExactDecimal(reading: digits, style: .pageQuantity)
            guard rate.significand >= 0, rate <= ExactDecimal(100) else {
                throw MoneyParseError(text: text, reason: "not a percentage between 0 and 100")
            }
            return .percent(rate)
        } catch {
            throw .invalid(field(), at: "row \"QQS foizi\"", text: text, error.reason)
        }
    }
}
