import FiscalCore

/// The sandbox receipt site's content: deterministic `/epi` receipts, their legacy pages and JSON payloads, and
/// the non-receipt answers (SPA shell, not found).
public enum SandboxReceipts {
    /// The payment aggregator that issues the sandbox's `/epi` receipts (the seller block).
    static let aggregator = FiscalReceipt.Seller(
        name: "\"PAYSYS\" MAS’ULIYATI CHEKLANGAN JAMIYATI", tin: "307578794",
        address: "Toshkent shahri, Yunusobod tumani, Amir Temur ko‘chasi, 107B-uy")
    /// "Marketpleys nomi" of the sandbox's receipts.
    static let marketplace = "PAYSYS"

    /// A product the sandbox sells: name, MXIK code and name, unit, barcode.
    struct Product {
        var name: String
        var mxikCode: String
        var mxikName: String
        var unit: String
        var barcode: String?
    }

    /// Realistic goods in Uzbek Latin (all four apostrophes), Uzbek Cyrillic and Russian, with entity-prone text.
    static let catalogue: [Product] = [
        Product(name: "Nescafe Gold kofe 95g", mxikCode: "00901001001000000", mxikName: "Maydalangan (kukunsimon) kofe",
                unit: "dona (pachka) 95 gramm", barcode: "7613035585568"),
        Product(name: "Qo‘l soati Casio MTP-1302", mxikCode: "09102001001000000", mxikName: "Qo‘l soatlari",
                unit: "dona", barcode: "4971850436744"),
        Product(name: "Oʻyinchoq mashina \"Tesla\" 1:24", mxikCode: "09503001001000000", mxikName: "Oʻyinchoqlar",
                unit: "dona", barcode: nil),
        Product(name: "Do`kon paketi katta", mxikCode: "03923002001000000", mxikName: "Polietilen paketlar",
                unit: "dona", barcode: nil),
        Product(name: "Smartfon g'ilofi (silikon)", mxikCode: "04202002001000000", mxikName: "Telefon g'iloflari",
                unit: "dona", barcode: "6901443261717"),
        Product(name: "Олма шарбати «Bliss» 1 л", mxikCode: "02009001001000000", mxikName: "Мева шарбатлари",
                unit: "дона (қути) 1 литр", barcode: "4780066450123"),
        Product(name: "Молоко «Простоквашино» 3,2% 930 мл", mxikCode: "00401001001000000",
                mxikName: "Сут, ёғлилиги 3,2%", unit: "дона (пакет) 930 миллилитр", barcode: "4601576009686"),
        Product(name: "Shokolad Alpen Gold & yong’oq 85g", mxikCode: "01806001001000000",
                mxikName: "Shokolad va shokoladli mahsulotlar", unit: "dona (plitka) 85 gramm",
                barcode: "7622210100443"),
        Product(name: "Зарядное устройство USB-C 20W <Fast>", mxikCode: "08504001001000000",
                mxikName: "Zaryadlash qurilmalari", unit: "dona", barcode: "6941812731345"),
        Product(name: "Kir yuvish kukuni Ariel 3 kg", mxikCode: "03402001001000000", mxikName: "Kir yuvish vositalari",
                unit: "dona (quti) 3 kilogramm", barcode: "8001841675584"),
        Product(name: "Internet-do‘kon yetkazib berish xizmati", mxikCode: "10112001001000000",
                mxikName: "Yetkazib berish xizmatlari", unit: "xizmat", barcode: nil),
        Product(name: "Futbolka erkaklar uchun, paxta 100%", mxikCode: "06109001001000000",
                mxikName: "Trikotaj futbolkalar", unit: "dona", barcode: nil),
    ]

    /// The aggregator's own service-fee line (0 % VAT, no commissioner).
    static let serviceFee = Product(
        name: "PAYSYS xizmat haqi", mxikCode: "10399001001000000", mxikName: "To'lov xizmatlari bo'yicha vositachilik",
        unit: "xizmat", barcode: nil)

    /// The standard VAT rate (12 %).
    static let standardRate = ExactDecimal(12)

    /// A deterministic `/epi` receipt for `spec`: the aggregator as seller, one to three merchant items (the
    /// merchant's TIN as commissioner, 12 % VAT, truncated like the real `/epi` issuer), sometimes discounts and
    /// marking codes, and a 0 % service-fee line. `Σ (line total − discount)` equals `spec.total` exactly; VAT
    /// per item is `(line total − discount) × 12 / 112`, truncated to the tiyin. Paid by card.
    public static func receipt(for spec: SandboxReceiptSpec) -> FiscalReceipt {
        var random = SplitMix64(seed: spec.seed)
        let total = spec.total.minorUnits
        let fee = max(0, total / 10_000 * 100)  // 1 %, whole so'm
        var remaining = total - fee
        var items: [ReceiptItem] = []
        let count = remaining >= 300_000 ? 1 + random.below(3) : 1
        var products = catalogue
        for index in 0..<count {
            let product = products.remove(at: Int(random.below(Int64(products.count))))
            let isLast = index == count - 1
            var quantity: Int64 = 1
            var part = remaining
            if !isLast {
                let left = count - index
                let share = remaining / left * (50 + random.below(100)) / 100
                quantity = random.chance(3) ? 2 + random.below(2) : 1
                let unit = max(100, share / quantity / 100 * 100)
                part = unit * quantity
                let reserve = 10_000 * (left - 1)  // at least 100 so'm for every later line
                if part > remaining - reserve {
                    quantity = 1
                    part = max(100, (remaining - reserve) / 2 / 100 * 100)
                }
            }
            remaining -= part
            var discount: Int64 = 0
            if part >= 1_000_000, random.chance(4) {
                discount = quantity * 100_000 * (1 + random.below(5))  // whole thousands of so'm per unit
            }
            let lineTotal = part + discount
            var markingCode: String?
            if random.chance(5) { markingCode = Self.markingCode(&random) }
            let vat = (part * 12) / 112
            items.append(ReceiptItem(
                name: product.name, quantity: ExactDecimal(quantity), lineTotal: .uzs(lineTotal), discount: .uzs(discount),
                other: .uzs(0), vatRate: standardRate, vatAmount: .uzs(vat), barcode: product.barcode,
                mxikCode: product.mxikCode, mxikName: product.mxikName, unit: product.unit, markingCode: markingCode,
                commissionerTIN: spec.commissionerTIN))
        }
        if fee > 0 {
            items.append(ReceiptItem(
                name: serviceFee.name, quantity: ExactDecimal(1), lineTotal: .uzs(fee), discount: .uzs(0), other: .uzs(0),
                vatRate: ExactDecimal(0), vatAmount: .uzs(0), barcode: nil, mxikCode: serviceFee.mxikCode,
                mxikName: serviceFee.mxikName, unit: serviceFee.unit, markingCode: nil, commissionerTIN: nil))
        }
        let vatTotal = items.reduce(Int64(0)) { $0 + $1.vatAmount.minorUnits }
        let cardType = random.chance(4) ? "Korporativ" : "Shaxsiy"
        let rrn: String? = random.chance(2) ? String(100_000_000_000 + random.below(900_000_000_000)) : nil
        return FiscalReceipt(
            kind: spec.kind, source: .html, terminalID: spec.terminalID, receiptNumber: spec.receiptNumber,
            fiscalSign: spec.fiscalSign, issuedAt: spec.issuedAt.date, seller: aggregator, marketplace: marketplace,
            cashRegister: nil, items: items,
            payment: FiscalReceipt.Payment(cash: .uzs(0), card: spec.total, cardType: cardType, rrn: rrn),
            total: spec.total, vatTotal: .uzs(vatTotal))
    }

    /// A GS1-style marking code with characters that need escaping in HTML (`&`, `<`, `'`, `"`).
    private static func markingCode(_ random: inout SplitMix64) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz0123456789&<'\"")
        var code = "0104780" + String(100_000 + random.below(900_000)) + "21"
        for _ in 0..<8 { code.append(random.pick(alphabet)) }
        return code
    }
}

extension Money {
    /// So'm from tiyin.
    fileprivate static func uzs(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: .uzs) }
}
