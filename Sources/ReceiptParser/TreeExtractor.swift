/// The reference extractor: parses the page into libxml2's tree (``HTMLDocument``) and reads ``PageFacts`` from it
/// with plain tree navigation and XPath. Slower than ``StreamingExtractor`` and kept because it is easy to check
/// by eye: the tests require both to collect identical facts on every page they have.
enum TreeExtractor {
    /// XPath of the elements that may hold a not-found message, in document order.
    static let messageXPath = "//title | //h1 | //h2 | //h3 | //h4 | //p | //div[not(.//div)]"

    /// The facts of `html`; `nil` when libxml2 builds no document at all (empty input).
    static func facts(html: [UInt8]) -> PageFacts? {
        guard let document = HTMLDocument(parsing: html) else { return nil }
        return facts(document)
    }

    static func facts(_ document: HTMLDocument) -> PageFacts {
        let scan = PageScan(document)
        var facts = PageFacts()
        facts.hasTicketWrap = scan.hasTicketWrap
        facts.hasSPARoot = scan.hasSPARoot
        facts.headings = scan.headings.map { heading in
            let cell = heading.ancestor(where: { $0.isElement("td") })
            return PageFacts.Heading(
                text: heading.text, style: heading.attribute("style"),
                // The bytes of the text nodes are joined before decoding, as `xmlNodeGetContent` joins them for the
                // cell's whole text: a character split by a removed processing instruction (`\xd1<?php ?>\x83`)
                // reads whole, never as two replacement characters.
                cellOwnText: cell.map { String(decoding: $0.children.filter(\.isText).flatMap(\.textBytes), as: UTF8.self) },
                cellItalics: cell.map { $0.children(named: "i").map(\.text) } ?? [])
        }
        facts.rows = scan.innermostRows.map { row in
            let table = row.ancestor(where: { $0.isElement("table") })
            return PageFacts.Row(
                inProductsTable: row.ancestor(where: { $0.isElement("table") && $0.hasClass("products-tables") }) != nil,
                isProductsRow: row.hasClass("products-row"),
                tableHasFollowingElement: table?.hasFollowingElement ?? true,
                cells: row.children(named: "td").map(cell))
        }
        if facts.readsMessageTexts {
            facts.messageTexts = document.nodes(messageXPath).map {
                PageFacts.MessageText(text: $0.text, isTitle: $0.isElement("title") || $0.isElement("h1"))
            }
        }
        return facts
    }

    private static func cell(_ td: HTMLNode) -> PageFacts.Cell {
        let elements = td.children.filter(\.isElement)
        let onlyBold = elements.count == 1 && elements[0].isElement("b") ? elements[0].text : nil
        let badge = td.descendants(where: { $0.hasClass("markirovka_class") }).first
        return PageFacts.Cell(
            text: td.text, isPriceSum: td.hasClass("price-sum"),
            spans: td.descendants(where: { $0.isElement("span") && $0.hasClass("left") }).map(\.text),
            onlyBold: onlyBold, italics: td.children(named: "i").map(\.text),
            markingCode: badge.map { $0.followingElementSiblings.map(\.text).joined(separator: " ") })
    }
}
