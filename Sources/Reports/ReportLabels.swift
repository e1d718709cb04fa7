import Archive
import FiscalCore

/// Every label of the HTML report in one language. See ``ReportLanguage/labels``.
///
/// Functions build the labels that carry numbers or dates; the caller escapes the result like any other text.
struct ReportLabels: Sendable {
    /// `en`, `ru`, `uz`: the HTML `lang` attribute.
    var htmlLang: String
    /// Month names, nominative, January first.
    var monthNames: [String]
    var title: String
    var period: String
    var asOf: String
    var chainHead: String
    var events: String
    var timeZoneNote: String
    var summary: String
    var totalsCaption: @Sendable (Currency) -> String
    var eventTypePlural: @Sendable (RegisterEntry.Event) -> String
    var eventTypeSingular: @Sendable (RegisterEntry.Event) -> String
    var count: String
    var amount: String
    var currency: String
    var registerTotal: String
    var notPaid: String
    var net: String
    var vatByRate: String
    var vatRate: String
    var items: String
    var gross: String
    var vat: String
    var vatSales: String
    var vatRefunds: String
    var netVAT: String
    var otherMonthVAT: @Sendable (_ amount: String) -> String
    var receiptMonth: @Sendable (_ date: String) -> String
    var noVAT: String
    var daily: String
    var chartIn: String
    var chartOut: String
    var chartDescription: @Sendable (Currency) -> String
    var day: String
    var exceptions: String
    var exception: String
    var noExceptions: String
    var registerTruncated: @Sendable (_ shown: String, _ total: String) -> String
    var changesTitle: @Sendable (_ revision: String) -> String
    var correctionsTitle: String
    var correctionOf: @Sendable (_ month: String, _ file: String) -> String
    var changeKind: @Sendable (RegisterChanges.Change.Kind) -> String
    var changesTruncated: @Sendable (_ shown: String, _ file: String) -> String
    var fullRegisterIn: @Sendable (_ file: String, _ sha256: String) -> String
    var fullRegisterCommand: @Sendable (_ command: String) -> String
    var exceptionsTruncated: @Sendable (_ shown: String, _ total: String) -> String
    var exceptionKind: @Sendable (ReportException.Kind) -> String
    var exceptionKindShort: @Sendable (ReportException.Kind) -> String
    var details: String
    var missingReason: @Sendable (ReportException.MissingReason) -> String
    var deadline: @Sendable (_ date: String) -> String
    var overdue: String
    var mismatch: @Sendable (_ receipt: String, _ difference: String) -> String
    var unknownStatus: @Sendable (_ code: String) -> String
    var register: String
    var noEvents: String
    var dateTime: String
    var event: String
    var transaction: String
    var status: String
    var statusName: @Sendable (PaySysStatus) -> String
    var vendorOrder: String
    var receipt: String
    var receiptLink: String
    var receiptTotal: String
    var originalPayment: String
    var source: String
    var sourceName: @Sendable (RegisterEntry.Source) -> String
    var note: String
    var flags: String
    var checksumNote: @Sendable (_ fileName: String) -> String
    var generatedBy: String
}

extension ReportLabels {
    /// English.
    static let english = ReportLabels(
        htmlLang: "en",
        monthNames: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                     "November", "December"],
        title: "Monthly report",
        period: "Period",
        asOf: "Archive as of",
        chainHead: "Integrity chain head",
        events: "Events",
        timeZoneNote: "All times are Tashkent time (UTC+05:00).",
        summary: "Summary",
        totalsCaption: { "Totals in \($0.alphaCode)" },
        eventTypePlural: {
            switch $0 {
            case .payment: "Payments"
            case .p2p: "P2P transfers"
            case .refund: "Refunds"
            case .cancellation: "Cancellations"
            }
        },
        eventTypeSingular: {
            switch $0 {
            case .payment: "Payment"
            case .p2p: "P2P transfer"
            case .refund: "Refund"
            case .cancellation: "Cancellation"
            }
        },
        count: "Count", amount: "Amount", currency: "Currency",
        registerTotal: "Register total",
        notPaid: "of which not paid (status error or created)",
        net: "Net received",
        vatByRate: "VAT by rate (receipts dated in the month: sales minus refunds)",
        vatRate: "VAT rate", items: "Items", gross: "Gross incl. VAT", vat: "VAT",
        vatSales: "Sales", vatRefunds: "Refunds", netVAT: "Net VAT",
        otherMonthVAT: { "of which from receipts of events in another month: \($0)" },
        receiptMonth: { "the receipt is dated \($0)" },
        noVAT: "No archived receipts dated in this period.",
        daily: "Daily totals",
        chartIn: "Payments and p2p", chartOut: "Refunds and cancellations",
        chartDescription: { "Daily payments and p2p transfers (up) and refunds and cancellations (down) in \($0.alphaCode)" },
        day: "Day",
        exceptions: "Exceptions",
        exception: "Exception",
        noExceptions: "No exceptions: every event has its receipt and a known status.",
        registerTruncated: { "The first \($0) of \($1) rows are shown here." },
        changesTitle: { "Changes since revision \($0)" },
        correctionsTitle: "Corrections to earlier months",
        correctionOf: { "\($0): changed since its last export, now recorded in \($1)" },
        changeKind: {
            switch $0 {
            case .added: "added"
            case .removed: "removed"
            case .changed: "changed"
            }
        },
        changesTruncated: { "The first \($0) changes are listed; every changed cell is in \($1)." },
        fullRegisterIn: { "The full register is in \($0) beside this file (SHA-256 \($1))." },
        fullRegisterCommand: { "The full register is in the month's CSV report: \($0)." },
        exceptionsTruncated: { "Showing the first \($0) of each kind, \($1) in all. Every affected row is flagged in the register." },
        exceptionKind: {
            switch $0 {
            case .missingReceipt: "Payment without an archived receipt"
            case .receiptTotalMismatch: "Receipt total differs from the amount"
            case .cancellationWithoutRefundReceipt: "Cancellation without a refund receipt"
            case .refundWithoutRefundReceipt: "Refund without a refund receipt"
            case .refundOfUnknownAmount: "Refund of unknown amount (made outside fiscal-archive)"
            case .receiptInAnotherMonth: "Event and receipt in different months"
            case .unknownStatus: "Unknown PaySys status"
            }
        },
        exceptionKindShort: {
            switch $0 {
            case .missingReceipt: "no receipt"
            case .receiptTotalMismatch: "total differs"
            case .cancellationWithoutRefundReceipt, .refundWithoutRefundReceipt: "no refund receipt"
            case .refundOfUnknownAmount: "amount unknown"
            case .receiptInAnotherMonth: "receipt in another month"
            case .unknownStatus: "unknown status"
            }
        },
        details: "Details",
        missingReason: {
            switch $0 {
            case .waiting: "waiting: the receipt is not registered yet"
            case .spaShell: "the receipt page is an empty app shell"
            case .failed: "failed"
            case .inProgress(let state): "in progress (\(state))"
            }
        },
        deadline: { "register a refund receipt by \($0)" },
        overdue: "overdue",
        mismatch: { "receipt \($0), difference \($1)" },
        unknownStatus: { "status \($0)" },
        register: "Register",
        noEvents: "No events in this period.",
        dateTime: "Date and time", event: "Event", transaction: "Transaction", status: "Status",
        statusName: {
            switch $0 {
            case .completed: "completed"
            case .cancelled: "cancelled"
            case .refunded: "refunded"
            case .error: "error"
            case .created: "created"
            default: "unknown"
            }
        },
        vendorOrder: "Vendor order", receipt: "Receipt", receiptLink: "receipt link", receiptTotal: "Receipt total",
        originalPayment: "Original payment", source: "Source",
        sourceName: {
            switch $0 {
            case .gateway: "PaySys"
            case .operation: "operation"
            case .detected: "detected"
            }
        },
        note: "Note", flags: "Exceptions",
        checksumNote: { "The SHA-256 checksum of this file is in \($0) beside it." },
        generatedBy: "Generated by fiscal-archive"
    )

    /// Russian.
    static let russian = ReportLabels(
        htmlLang: "ru",
        monthNames: ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
                     "Ноябрь", "Декабрь"],
        title: "Ежемесячный отчёт",
        period: "Период",
        asOf: "Состояние архива на",
        chainHead: "Вершина цепочки целостности",
        events: "Событий",
        timeZoneNote: "Всё время указано по Ташкенту (UTC+05:00).",
        summary: "Сводка",
        totalsCaption: { "Итоги в \($0.alphaCode)" },
        eventTypePlural: {
            switch $0 {
            case .payment: "Платежи"
            case .p2p: "P2P-переводы"
            case .refund: "Возвраты"
            case .cancellation: "Отмены"
            }
        },
        eventTypeSingular: {
            switch $0 {
            case .payment: "Платёж"
            case .p2p: "P2P-перевод"
            case .refund: "Возврат"
            case .cancellation: "Отмена"
            }
        },
        count: "Кол-во", amount: "Сумма", currency: "Валюта",
        registerTotal: "Итого по реестру",
        notPaid: "в т. ч. не оплачено (статус «ошибка» или «создан»)",
        net: "Чистое поступление",
        vatByRate: "НДС по ставкам (чеки, датированные месяцем: продажи минус возвраты)",
        vatRate: "Ставка НДС", items: "Позиций", gross: "Сумма с НДС", vat: "НДС",
        vatSales: "Продажи", vatRefunds: "Возвраты", netVAT: "НДС к уплате",
        otherMonthVAT: { "в т. ч. по чекам событий другого месяца: \($0)" },
        receiptMonth: { "чек датирован \($0)" },
        noVAT: "За период нет архивных чеков.",
        daily: "Итоги по дням",
        chartIn: "Платежи и p2p", chartOut: "Возвраты и отмены",
        chartDescription: { "Платежи и p2p-переводы по дням (вверх), возвраты и отмены (вниз), \($0.alphaCode)" },
        day: "День",
        exceptions: "Исключения",
        exception: "Исключение",
        noExceptions: "Исключений нет: у каждого события есть чек и известный статус.",
        registerTruncated: { "Здесь показаны первые \($0) из \($1) строк." },
        changesTitle: { "Изменения с редакции \($0)" },
        correctionsTitle: "Исправления прошлых месяцев",
        correctionOf: { "\($0): изменения после последней выгрузки, теперь в \($1)" },
        changeKind: {
            switch $0 {
            case .added: "добавлено"
            case .removed: "удалено"
            case .changed: "изменено"
            }
        },
        changesTruncated: { "Показаны первые \($0) изменений; все изменённые ячейки — в \($1)." },
        fullRegisterIn: { "Полный реестр — в файле \($0) рядом с этим (SHA-256 \($1))." },
        fullRegisterCommand: { "Полный реестр — в CSV-отчёте месяца: \($0)." },
        exceptionsTruncated: { "Показаны первые \($0) каждого вида, всего \($1). Все такие строки отмечены в реестре." },
        exceptionKind: {
            switch $0 {
            case .missingReceipt: "Платёж без архивного чека"
            case .receiptTotalMismatch: "Сумма чека не совпадает с суммой операции"
            case .cancellationWithoutRefundReceipt: "Отмена без чека возврата"
            case .refundWithoutRefundReceipt: "Возврат без чека возврата"
            case .refundOfUnknownAmount: "Возврат неизвестной суммы (сделан вне fiscal-archive)"
            case .receiptInAnotherMonth: "Событие и чек в разных месяцах"
            case .unknownStatus: "Неизвестный статус PaySys"
            }
        },
        exceptionKindShort: {
            switch $0 {
            case .missingReceipt: "нет чека"
            case .receiptTotalMismatch: "сумма чека"
            case .cancellationWithoutRefundReceipt, .refundWithoutRefundReceipt: "нет чека возврата"
            case .refundOfUnknownAmount: "сумма неизвестна"
            case .receiptInAnotherMonth: "чек в другом месяце"
            case .unknownStatus: "неизв. статус"
            }
        },
        details: "Подробности",
        missingReason: {
            switch $0 {
            case .waiting: "ожидание: чек ещё не зарегистрирован"
            case .spaShell: "страница чека — пустая оболочка приложения"
            case .failed: "ошибка"
            case .inProgress(let state): "в обработке (\(state))"
            }
        },
        deadline: { "зарегистрировать чек возврата до \($0) включительно" },
        overdue: "просрочено",
        mismatch: { "чек \($0), разница \($1)" },
        unknownStatus: { "статус \($0)" },
        register: "Реестр",
        noEvents: "За период событий нет.",
        dateTime: "Дата и время", event: "Событие", transaction: "Транзакция", status: "Статус",
        statusName: {
            switch $0 {
            case .completed: "проведён"
            case .cancelled: "отменён"
            case .refunded: "возврат"
            case .error: "ошибка"
            case .created: "создан"
            default: "неизвестен"
            }
        },
        vendorOrder: "Заказ продавца", receipt: "Чек", receiptLink: "ссылка на чек", receiptTotal: "Сумма чека",
        originalPayment: "Исходный платёж", source: "Источник",
        sourceName: {
            switch $0 {
            case .gateway: "PaySys"
            case .operation: "операция"
            case .detected: "обнаружено"
            }
        },
        note: "Примечание", flags: "Исключения",
        checksumNote: { "Контрольная сумма SHA-256 этого файла — в файле \($0) рядом с ним." },
        generatedBy: "Сформировано fiscal-archive"
    )

    /// Uzbek (Latin script).
    static let uzbek = ReportLabels(
        htmlLang: "uz-Latn",
        monthNames: ["Yanvar", "Fevral", "Mart", "Aprel", "May", "Iyun", "Iyul", "Avgust", "Sentabr", "Oktabr",
                     "Noyabr", "Dekabr"],
        title: "Oylik hisobot",
        period: "Davr",
        asOf: "Arxiv holati",
        chainHead: "Yaxlitlik zanjiri boshi",
        events: "Hodisalar",
        timeZoneNote: "Barcha vaqtlar Toshkent vaqti boʻyicha (UTC+05:00).",
        summary: "Xulosa",
        totalsCaption: { "Jami, \($0.alphaCode)" },
        eventTypePlural: {
            switch $0 {
            case .payment: "Toʻlovlar"
            case .p2p: "P2P oʻtkazmalar"
            case .refund: "Qaytarishlar"
            case .cancellation: "Bekor qilishlar"
            }
        },
        eventTypeSingular: {
            switch $0 {
            case .payment: "Toʻlov"
            case .p2p: "P2P oʻtkazma"
            case .refund: "Qaytarish"
            case .cancellation: "Bekor qilish"
            }
        },
        count: "Soni", amount: "Summa", currency: "Valyuta",
        registerTotal: "Reyestr boʻyicha jami",
        notPaid: "shundan toʻlanmagan (holati «xato» yoki «yaratilgan»)",
        net: "Sof tushum",
        vatByRate: "QQS stavkalar boʻyicha (oy sanasidagi cheklar: sotuvlar minus qaytarishlar)",
        vatRate: "QQS stavkasi", items: "Pozitsiyalar", gross: "QQS bilan summa", vat: "QQS",
        vatSales: "Sotuvlar", vatRefunds: "Qaytarishlar", netVAT: "Sof QQS",
        otherMonthVAT: { "shundan boshqa oy hodisalari cheklari boʻyicha: \($0)" },
        receiptMonth: { "chek sanasi \($0)" },
        noVAT: "Bu davrda arxivlangan cheklar yoʻq.",
        daily: "Kunlik jamilar",
        chartIn: "Toʻlovlar va p2p", chartOut: "Qaytarishlar va bekor qilishlar",
        chartDescription: { "Kunlik toʻlovlar va p2p oʻtkazmalar (yuqoriga), qaytarishlar va bekor qilishlar (pastga), \($0.alphaCode)" },
        day: "Kun",
        exceptions: "Istisnolar",
        exception: "Istisno",
        noExceptions: "Istisnolar yoʻq: har bir hodisaning cheki va maʼlum holati bor.",
        registerTruncated: { "Bu yerda \($1) qatordan birinchi \($0) tasi koʻrsatilgan." },
        changesTitle: { "\($0)-tahrirdan beri oʻzgarishlar" },
        correctionsTitle: "Oldingi oylarga tuzatishlar",
        correctionOf: { "\($0): oxirgi eksportdan keyin oʻzgargan, endi \($1) faylida" },
        changeKind: {
            switch $0 {
            case .added: "qoʻshildi"
            case .removed: "olib tashlandi"
            case .changed: "oʻzgardi"
            }
        },
        changesTruncated: { "Birinchi \($0) ta oʻzgarish koʻrsatilgan; barcha oʻzgargan kataklar \($1) faylida." },
        fullRegisterIn: { "Toʻliq reyestr ushbu fayl yonidagi \($0) faylida (SHA-256 \($1))." },
        fullRegisterCommand: { "Toʻliq reyestr oyning CSV hisobotida: \($0)." },
        exceptionsTruncated: { "Har turdan birinchi \($0) tasi koʻrsatilgan, jami \($1). Barcha bunday qatorlar reyestrda belgilangan." },
        exceptionKind: {
            switch $0 {
            case .missingReceipt: "Arxivlangan cheki yoʻq toʻlov"
            case .receiptTotalMismatch: "Chek summasi operatsiya summasidan farq qiladi"
            case .cancellationWithoutRefundReceipt: "Qaytarish cheki yoʻq bekor qilish"
            case .refundWithoutRefundReceipt: "Qaytarish cheki yoʻq qaytarish"
            case .refundOfUnknownAmount: "Summasi nomaʼlum qaytarish (fiscal-archive tashqarisida)"
            case .receiptInAnotherMonth: "Hodisa va chek turli oylarda"
            case .unknownStatus: "Nomaʼlum PaySys holati"
            }
        },
        exceptionKindShort: {
            switch $0 {
            case .missingReceipt: "chek yoʻq"
            case .receiptTotalMismatch: "chek summasi"
            case .cancellationWithoutRefundReceipt, .refundWithoutRefundReceipt: "qaytarish cheki yoʻq"
            case .refundOfUnknownAmount: "summa nomaʼlum"
            case .receiptInAnotherMonth: "chek boshqa oyda"
            case .unknownStatus: "nomaʼlum holat"
            }
        },
        details: "Tafsilotlar",
        missingReason: {
            switch $0 {
            case .waiting: "kutilmoqda: chek hali roʻyxatdan oʻtmagan"
            case .spaShell: "chek sahifasi boʻsh ilova qobigʻi"
            case .failed: "xatolik"
            case .inProgress(let state): "jarayonda (\(state))"
            }
        },
        deadline: { "qaytarish chekini \($0) gacha (shu kun ham) roʻyxatdan oʻtkazing" },
        overdue: "muddati oʻtgan",
        mismatch: { "chek \($0), farq \($1)" },
        unknownStatus: { "holat \($0)" },
        register: "Reyestr",
        noEvents: "Bu davrda hodisalar yoʻq.",
        dateTime: "Sana va vaqt", event: "Hodisa", transaction: "Tranzaksiya", status: "Holat",
        statusName: {
            switch $0 {
            case .completed: "bajarilgan"
            case .cancelled: "bekor qilingan"
            case .refunded: "qaytarilgan"
            case .error: "xato"
            case .created: "yaratilgan"
            default: "nomaʼlum"
            }
        },
        vendorOrder: "Sotuvchi buyurtmasi", receipt: "Chek", receiptLink: "chek havolasi", receiptTotal: "Chek summasi",
        originalPayment: "Asl toʻlov", source: "Manba",
        sourceName: {
            switch $0 {
            case .gateway: "PaySys"
            case .operation: "operatsiya"
            case .detected: "aniqlangan"
            }
        },
        note: "Izoh", flags: "Istisnolar",
        checksumNote: { "Ushbu faylning SHA-256 nazorat summasi yonidagi \($0) faylida." },
        generatedBy: "fiscal-archive tomonidan yaratilgan"
    )
}
