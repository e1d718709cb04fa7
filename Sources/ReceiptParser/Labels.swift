/// The labels a receipt page may give its fields, as label keys (``TextNormalization/labelKey(_:)``): Latin Uzbek
/// (what the viewer prints), Cyrillic Uzbek and Russian. DESIGN.md lists them; add a spelling here and nowhere else.
enum Labels {
    /// Fields of the header, payment and fiscal blocks, found in two-cell rows (`<td>label</td><td>value</td>`)
    /// or in `span.left` texts (`Label : value`).
    enum Header: String, CaseIterable {
        case cash, card, cardType, rrn, total, vatTotal, fiscalSign, receiptNumber, cashRegister, marketplace, serial
        case terminal, issuedAt, sellerName, sellerTIN, sellerAddress

        /// The label the error messages name.
        var display: String {
            switch self {
            case .cash: "Naqd pul"
            case .card: "Bank kartalari"
            case .cardType: "Bank kartasi turi"
            case .rrn: "RRN"
            case .total: "Jami to`lov:"
            case .vatTotal: "Umumiy QQS qiymati"
            case .fiscalSign: "Fiskal belgi"
            case .receiptNumber: "Chek raqami"
            case .cashRegister: "Onlayn NKM nomi"
            case .marketplace: "Marketpleys nomi"
            case .serial: "SN"
            case .terminal: "Terminal"
            case .issuedAt: "Sana"
            case .sellerName: "Sotuvchi"
            case .sellerTIN: "STIR"
            case .sellerAddress: "Manzil"
            }
        }
    }

    static let header: [String: Header] = {
        let spellings: [Header: [String]] = [
            .cash: ["naqd pul", "naqd", "нақд пул", "нақд", "наличные", "наличными"],
            .card: ["bank kartalari", "bank kartasi", "банк карталари", "банк картаси", "банковские карты",
                    "банковская карта", "безналичные"],
            .cardType: ["bank kartasi turi", "банк картаси тури", "тип банковской карты", "тип карты"],
            .rrn: ["rrn", "ррн"],
            .total: ["jami to'lov", "жами тўлов", "итого", "итого к оплате", "всего к оплате"],
            .vatTotal: ["umumiy qqs qiymati", "умумий ққс қиймати", "общая сумма ндс", "сумма ндс", "в т.ч. ндс",
                        "в том числе ндс"],
            .fiscalSign: ["fiskal belgi", "фискал белги", "фискальный признак"],
            .receiptNumber: ["chek raqami", "чек рақами", "номер чека", "чек №"],
            .cashRegister: ["onlayn nkm nomi", "онлайн нкм номи", "онлайн ккм", "название онлайн ккм"],
            .marketplace: ["marketpleys nomi", "маркетплейс номи", "маркетплейс", "название маркетплейса"],
            .serial: ["sn", "сн", "серийный номер", "заводской номер"],
            .terminal: ["terminal", "terminal id", "terminal raqami", "терминал", "терминал рақами", "номер терминала",
                        "fm raqami", "фм рақами", "номер фм", "фискальный модуль"],
            .issuedAt: ["sana", "sana va vaqt", "сана", "сана ва вақт", "дата", "дата и время", "vaqt", "вақт", "время"],
            .sellerName: ["sotuvchi", "сотувчи", "продавец", "korxona nomi", "корхона номи", "наименование организации"],
            .sellerTIN: ["stir", "стир", "инн", "stir/jshshir", "стир/жшшир", "инн/пинфл"],
            .sellerAddress: ["manzil", "манзил", "адрес"],
        ]
        var table: [String: Header] = [:]
        for (field, keys) in spellings { for key in keys { table[key] = field } }
        return table
    }()

    /// Labels of other payment methods kept as named amounts (a key equal to one of these, or starting with one
    /// of them followed by a space: `click orqali`).
    static let otherPaymentMethods: [String] = [
        "boshqa", "бошқа", "прочее", "другое", "прочие", "click", "payme", "uzcard", "humo", "uzum", "uzum bank",
        "apelsin", "paynet", "oson", "visa", "mastercard", "unionpay", "elektron to'lov", "электрон тўлов",
        "электронные", "kredit", "кредит", "avans", "аванс", "bonus", "бонус",
    ]

    static func isOtherPaymentMethod(_ key: String) -> Bool {
        otherPaymentMethods.contains(key) || otherPaymentMethodPrefixes.contains { key.hasPrefix($0) }
    }

    /// The methods followed by a space, built once (this runs for every unlabelled two-cell row).
    private static let otherPaymentMethodPrefixes = otherPaymentMethods.map { $0 + " " }

    /// Labels of an item's sub-rows.
    enum Item: String, CaseIterable {
        case vatAmount, vatRate, discountOther, discount, other, barcode, mxikCode, mxikName, unit, markingCode
        case commissionerTIN

        var display: String {
            switch self {
            case .vatAmount: "QQS qiymati"
            case .vatRate: "QQS foizi"
            case .discountOther: "Chegirma/Boshqa"
            case .discount: "Chegirma"
            case .other: "Boshqa"
            case .barcode: "Shtrix kodi"
            case .mxikCode: "MXIK kodi"
            case .mxikName: "MXIK nomi"
            case .unit: "O'lchov birligi"
            case .markingCode: "Markirovka kodi"
            case .commissionerTIN: "Komitent STIR/JSHSHIR"
            }
        }
    }

    static let item: [String: Item] = {
        let spellings: [Item: [String]] = [
            .vatAmount: ["qqs qiymati", "ққс қиймати", "сумма ндс", "ндс"],
            .vatRate: ["qqs foizi", "ққс фоизи", "ставка ндс", "ндс %", "ндс, %"],
            .discountOther: ["chegirma/boshqa", "чегирма/бошқа", "скидка/прочее", "скидка/другое"],
            .discount: ["chegirma", "чегирма", "скидка"],
            .other: ["boshqa", "бошқа", "прочее", "другое"],
            .barcode: ["shtrix kodi", "штрих коди", "штрих-код", "штрихкод"],
            .mxikCode: ["mxik kodi", "мхик коди", "икпу", "код икпу"],
            .mxikName: ["mxik nomi", "мхик номи", "наименование икпу"],
            .unit: ["o'lchov birligi", "ўлчов бирлиги", "единица измерения", "ед. изм"],
            .markingCode: ["markirovka kodi", "маркировка коди", "код маркировки"],
            .commissionerTIN: ["komitent stir/jshshir", "komitent stir", "komitent jshshir", "комитент стир/жшшир",
                               "комитент стир", "комитент жшшир", "инн комитента"],
        ]
        var table: [String: Item] = [:]
        for (field, keys) in spellings { for key in keys { table[key] = field } }
        return table
    }()

    /// Receipt-type words of the title `h3`, in the order they are tried.
    static let kinds: [(words: [String], kind: KindWord)] = [
        (["qaytarish", "қайтариш", "возврат"], .refund),
        (["avans", "аванс"], .advance),
        (["kredit", "кредит"], .credit),
        (["sotuv", "savdo", "сотув", "савдо", "продажа"], .sale),
    ]

    enum KindWord { case refund, advance, credit, sale }

    /// VAT-rate texts meaning "no VAT" (rate 0, with a warning).
    static let noVAT: Set<String> = ["qqssiz", "qqs siz", "ққссиз", "ққс сиз", "без ндс", "ндс не облагается"]

    /// Phrases of the viewer's (and a generic server's) not-found answers.
    static let notFoundPhrases = [
        "topilmadi", "not found", "не найден", "мавжуд эмас", "mavjud emas", "ro'yxatdan o'tmagan", "топилмади",
    ]
}
