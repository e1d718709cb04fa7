import Foundation

/// A fiscal receipt as registered with the tax authority, parsed from its page or from the JSON API.
///
/// Amounts are exact ``Money`` in UZS (receipts are always in so'm). Text fields keep the original characters
/// (all four apostrophe forms); normalise only for search and comparison.
public struct FiscalReceipt: Sendable, Hashable, Codable {
    /// What the receipt records.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// "Savdo cheki/Sotuv": a sale.
        case sale
        /// "Savdo cheki/Qaytarish": a refund.
        case refund
        /// An advance ("Avans").
        case advance
        /// A credit ("Kredit").
        case credit
    }

    /// Where the data came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// The legacy server-rendered page.
        case html
        /// The JSON receipt API.
        case json
    }

    /// The seller block at the top of the receipt (on `/epi` receipts, the payment aggregator).
    public struct Seller: Sendable, Hashable, Codable {
        public var name: String
        /// 9-digit TIN or 14-digit PINFL, as text.
        public var tin: String
        public var address: String

        public init(name: String, tin: String, address: String) {
            self.name = name
            self.tin = tin
            self.address = address
        }
    }

    /// The online cash register ("Onlayn NKM") of `/check` receipts.
    public struct CashRegister: Sendable, Hashable, Codable {
        public var name: String
        public var serial: String?

        public init(name: String, serial: String?) {
            self.name = name
            self.serial = serial
        }
    }

    /// How the receipt was paid.
    ///
    /// Every payment row of a page is optional: ``cashShown`` and ``cardShown`` are `nil` when the receipt has no
    /// such row (``cash`` and ``card`` then read zero). Rows of other payment methods (`Click`, `Payme`, `Uzcard`,
    /// `Humo`, `Boshqa`, …) are kept in ``others`` under the label the receipt gives them. Archived receipts
    /// written before these fields existed decode unchanged (`cash`/`card` present, no `others`).
    public struct Payment: Sendable, Hashable, Codable {
        /// "Naqd pul", or `nil` when the receipt has no cash row.
        public var cashShown: Money?
        /// "Bank kartalari", or `nil` when the receipt has no card row.
        public var cardShown: Money?
        /// "Bank kartasi turi": `Shaxsiy`, `Korporativ`, `Ijtimoiy`.
        public var cardType: String?
        /// Retrieval reference number of the card payment.
        public var rrn: String?
        /// Other payment methods, in the order the receipt lists them.
        public var others: [NamedAmount]

        /// A payment method the receipt names, with its amount.
        public struct NamedAmount: Sendable, Hashable, Codable {
            /// The label as the receipt writes it, trimmed, without a trailing colon (`"Click"`).
            public var method: String
            public var amount: Money

            public init(method: String, amount: Money) {
                self.method = method
                self.amount = amount
            }
        }

        public init(
            cash: Money?, card: Money?, cardType: String? = nil, rrn: String? = nil, others: [NamedAmount] = []
        ) {
            self.cashShown = cash
            self.cardShown = card
            self.cardType = cardType
            self.rrn = rrn
            self.others = others
        }

        /// The cash amount; zero when the receipt has no cash row.
        public var cash: Money {
            get { cashShown ?? .zero(cardShown?.currency ?? .uzs) }
            set { cashShown = newValue }
        }

        /// The card amount; zero when the receipt has no card row.
        public var card: Money {
            get { cardShown ?? .zero(cashShown?.currency ?? .uzs) }
            set { cardShown = newValue }
        }

        /// Whether the receipt shows any payment row at all.
        public var isShown: Bool { cashShown != nil || cardShown != nil || !others.isEmpty }

        /// Cash, card and every other method, in minor units (wrapping on overflow).
        public var sumMinorUnits: Int64 {
            var sum = (cashShown?.minorUnits ?? 0) &+ (cardShown?.minorUnits ?? 0)
            for other in others { sum = sum &+ other.amount.minorUnits }
            return sum
        }

        private enum CodingKeys: String, CodingKey { case cash, card, cardType, rrn, others }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            cashShown = try container.decodeIfPresent(Money.self, forKey: .cash)
            cardShown = try container.decodeIfPresent(Money.self, forKey: .card)
            cardType = try container.decodeIfPresent(String.self, forKey: .cardType)
            rrn = try container.decodeIfPresent(String.self, forKey: .rrn)
            others = try container.decodeIfPresent([NamedAmount].self, forKey: .others) ?? []
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(cashShown, forKey: .cash)
            try container.encodeIfPresent(cardShown, forKey: .card)
            try container.encodeIfPresent(cardType, forKey: .cardType)
            try container.encodeIfPresent(rrn, forKey: .rrn)
            if !others.isEmpty { try container.encode(others, forKey: .others) }
        }
    }

    public var kind: Kind
    public var source: Source
    public var terminalID: String
    public var receiptNumber: String
    /// `nil` when the page does not show it (`/check` pages keep it only in the link).
    public var fiscalSign: String?
    /// Issue time; legacy pages have minutes only.
    public var issuedAt: Date
    public var seller: Seller
    /// "Marketpleys nomi" of `/epi` receipts.
    public var marketplace: String?
    /// "Onlayn NKM nomi" and "SN" of `/check` receipts.
    public var cashRegister: CashRegister?
    public var items: [ReceiptItem]
    public var payment: Payment
    /// "Jami to`lov".
    public var total: Money
    /// "Umumiy QQS qiymati".
    public var vatTotal: Money

    public init(
        kind: Kind, source: Source, terminalID: String, receiptNumber: String, fiscalSign: String?, issuedAt: Date,
        seller: Seller, marketplace: String?, cashRegister: CashRegister?, items: [ReceiptItem], payment: Payment,
        total: Money, vatTotal: Money
    ) {
        self.kind = kind
        self.source = source
        self.terminalID = terminalID
        self.receiptNumber = receiptNumber
        self.fiscalSign = fiscalSign
        self.issuedAt = issuedAt
        self.seller = seller
        self.marketplace = marketplace
        self.cashRegister = cashRegister
        self.items = items
        self.payment = payment
        self.total = total
        self.vatTotal = vatTotal
    }

    /// The commissioner TINs of the items, in order of first appearance: on `/epi` receipts, the real merchants.
    public var commissionerTINs: [String] {
        var seen: Set<String> = []
        return items.compactMap(\.commissionerTIN).filter { seen.insert($0).inserted }
    }
}

/// One line of a receipt.
public struct ReceiptItem: Sendable, Hashable, Codable {
    public var name: String
    /// "Soni": an integer on pages, decimals in the JSON source (`1.268`).
    public var quantity: ExactDecimal
    /// "Narxi": the line total before discount (quantity × unit price).
    public var lineTotal: Money
    /// "Chegirma".
    public var discount: Money
    /// "Boshqa".
    public var other: Money
    /// "QQS foizi": `12`, `0`.
    public var vatRate: ExactDecimal?
    /// "QQS qiymati": VAT included in the line.
    public var vatAmount: Money
    /// "Shtrix kodi".
    public var barcode: String?
    /// "MXIK kodi": 17 digits with leading zeros, as text.
    public var mxikCode: String?
    /// "MXIK nomi".
    public var mxikName: String?
    /// "O'lchov birligi".
    public var unit: String?
    /// "Markirovka kodi".
    public var markingCode: String?
    /// "Komitent STIR/JSHSHIR": on `/epi` receipts, the real merchant.
    public var commissionerTIN: String?

    public init(
        name: String, quantity: ExactDecimal, lineTotal: Money, discount: Money, other: Money, vatRate: ExactDecimal?,
        vatAmount: Money, barcode: String? = nil, mxikCode: String? = nil, mxikName: String? = nil, unit: String? = nil,
        markingCode: String? = nil, commissionerTIN: String? = nil
    ) {
        self.name = name
        self.quantity = quantity
        self.lineTotal = lineTotal
        self.discount = discount
        self.other = other
        self.vatRate = vatRate
        self.vatAmount = vatAmount
        self.barcode = barcode
        self.mxikCode = mxikCode
        self.mxikName = mxikName
        self.unit = unit
        self.markingCode = markingCode
        self.commissionerTIN = commissionerTIN
    }
}
