import CLibXML2

/// The production extractor: one pass of libxml2's HTML parser with our own SAX handlers and no tree. A small
/// state machine keeps a stack of open elements and copies text only into the places a field can be (cells of
/// innermost rows, their `span.left`, `b` and `i`, headings, message elements); everything else is skipped.
///
/// It reproduces what ``TreeExtractor`` reads from libxml2's tree: the same parser, set up the same way, emits the
/// same events whether or not a tree is built from them.
enum StreamingExtractor {
    /// The facts of `html`; `nil` for empty input.
    static func facts(html: [UInt8]) -> PageFacts? {
        var state = StreamState()
        state.reserveCapacity(forPageOf: html.count)
        // The handlers reach the state through this pointer, valid while the parser runs (it calls them only from
        // inside `SAXPass.run`). A struct behind a pointer, not a class: a class's stored properties are checked
        // for exclusive access at run time on every event, which cost more than the handlers' own work.
        let parsed = withUnsafeMutablePointer(to: &state) { pointer in
            SAXPass.run(html: html, handler: StreamState.handler, userData: UnsafeMutableRawPointer(pointer))
        }
        return parsed ? state.finish() : nil
    }
}

/// One libxml2 HTML parse driving SAX handlers, set up exactly as `htmlReadMemory(…, "UTF-8", options)` sets up
/// the tree builder, so the streaming and tree extractors see the same events.
enum SAXPass {
    /// Parses `html`; `false` for empty input or when libxml2 cannot create a parser.
    static func run(html: [UInt8], handler: xmlSAXHandler, userData: UnsafeMutableRawPointer?) -> Bool {
        initialiseLibXML2()
        clibxml2_silence_errors()
        guard !html.isEmpty, html.count < Int(Int32.max) else { return false }
        return html.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            let context = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                htmlCreateMemoryParserCtxt(chars, Int32(buffer.count))
            }
            guard let context else { return false }
            defer { htmlFreeParserCtxt(context) }
            context.pointee.sax.pointee = handler
            context.pointee.userData = userData
            _ = htmlCtxtUseOptions(context, ReceiptPageParser.parseOptions)
            context.pointee.html = 1
            if let utf8 = xmlFindCharEncodingHandler("UTF-8") {
                xmlSwitchToEncoding(context, utf8)
                if let input = context.pointee.input {
                    if let old = input.pointee.encoding { clibxml2_free(UnsafeMutableRawPointer(mutating: old)) }
                    input.pointee.encoding = UnsafePointer(xmlStrdup("UTF-8"))
                }
            }
            _ = htmlParseDocument(context)
            return true
        }
    }
}

/// The raw costs of libxml2 that the parser is measured against (the `Benchmarks/` package): building and freeing
/// the tree, and a SAX pass whose handlers do nothing.
public enum LibXML2Floor {
    /// `htmlReadMemory` + `xmlFreeDoc`; `false` when no document was built.
    public static func tree(html: [UInt8]) -> Bool { HTMLDocument(parsing: html) != nil }

    /// A SAX pass with no-op element and text handlers; `false` for empty input.
    public static func sax(html: [UInt8]) -> Bool {
        SAXPass.run(html: html, handler: noOpHandler, userData: nil)
    }

    nonisolated(unsafe) private static let noOpHandler: xmlSAXHandler = {
        var handler = xmlSAXHandler()
        handler.initialized = 1
        handler.startElement = { _, _, _ in }
        handler.endElement = { _, _ in }
        handler.characters = { _, _, _ in }
        handler.cdataBlock = { _, _, _ in }
        return handler
    }()
}

/// Element names the extractor tells apart.
private enum Tag {
    case td, tr, table, span, b, i, h3, div, title, h1, h2, h4, p, html, head, body, other

    init(_ name: UnsafePointer<xmlChar>) {
        let a = name[0]
        guard a != 0 else { self = .other; return }
        let b = name[1]
        if b == 0 {
            switch a {
            case UInt8(ascii: "b"): self = .b
            case UInt8(ascii: "i"): self = .i
            case UInt8(ascii: "p"): self = .p
            default: self = .other
            }
            return
        }
        let c = name[2]
        if c == 0 {
            switch (a, b) {
            case (UInt8(ascii: "t"), UInt8(ascii: "d")): self = .td
            case (UInt8(ascii: "t"), UInt8(ascii: "r")): self = .tr
            case (UInt8(ascii: "h"), UInt8(ascii: "1")): self = .h1
            case (UInt8(ascii: "h"), UInt8(ascii: "2")): self = .h2
            case (UInt8(ascii: "h"), UInt8(ascii: "3")): self = .h3
            case (UInt8(ascii: "h"), UInt8(ascii: "4")): self = .h4
            default: self = .other
            }
            return
        }
        // By the first letter, then in place: most elements of a page are none of these (`a`, `img`, `svg`, `path`,
        // `link`, …), and calling libxml2 to compare each name with all seven cost more than the rest of a start.
        switch a {
        case UInt8(ascii: "d"): self = isName(name, "div") ? .div : .other
        case UInt8(ascii: "s"): self = isName(name, "span") ? .span : .other
        case UInt8(ascii: "t"): self = isName(name, "table") ? .table : isName(name, "title") ? .title : .other
        case UInt8(ascii: "h"): self = isName(name, "html") ? .html : isName(name, "head") ? .head : .other
        case UInt8(ascii: "b"): self = isName(name, "body") ? .body : .other
        default: self = .other
        }
    }
}

/// Whether the NUL-terminated `name` is `literal` (byte for byte, as `xmlStrEqual`): a shorter name stops at its
/// NUL, which no literal holds, so nothing is read past it.
@inline(__always)
private func isName(_ name: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
    let bytes = literal.utf8Start
    let count = literal.utf8CodeUnitCount
    for offset in 0..<count where name[offset] != bytes[offset] { return false }
    return name[count] == 0
}

private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

/// The SAX state. One value per parse; libxml2 hands a pointer to it back to the handlers as `userData`.
private struct StreamState {
    /// What an open element is to the extractor.
    struct Frame {
        var tag: Tag
        /// Where this element's text buffers start in `frameBuffers` (they are stopped at its end).
        var buffersStart = 0
        /// `tr`: its index in `rows`; `td`: its index in `cells`; `table`: its index in `tables`.
        var slot = -1
        /// `div`, `title`, `h1`…`h4`, `p`: its slot in `messages`.
        var message = -1
        /// A `table.products-tables`.
        var isProductsTable = false
        /// Element children so far.
        var elementChildren = 0
    }

    /// A row being collected; `innermost` turns false when a row opens inside it.
    struct RowDraft {
        var inProductsTable: Bool
        var isProductsRow: Bool
        var table: Int
        /// Its cells, in order: `cells` indices linked by ``CellDraft/nextInRow`` (a list rather than an array of
        /// its own, so that no row allocates).
        var cells = Chain()
        var cellCount = 0
        var innermost = true
    }

    /// A list of buffers (or, for a row, of cells) kept as links in a pool shared by the whole page (`links`),
    /// not as an array per cell: a cell's lists grow while other cells' lists may grow in between (a `td` inside a
    /// `td`), and one array per list was an allocation per cell.
    struct Chain {
        /// The first and last link (-1 when empty).
        var first = -1
        var last = -1
    }

    /// A `td` (every `td`: headings need their cell's own text and italics; only cells of innermost rows collect
    /// the rest).
    struct CellDraft {
        /// The row whose cell this is, when that row is collected; else -1.
        var row = -1
        /// The next cell of the same row (-1 for the last).
        var nextInRow = -1
        /// Buffers of the `i` children and of the `span.left` elements below (chains of `links`, read in
        /// ``finish()``).
        var italics = Chain()
        var text = -1
        var isPriceSum = false
        var spans = Chain()
        var firstChildBold: Int?
        var elementChildren = 0
        /// Stack index of the parent of the cell's first `.markirovka_class` badge (`nil` before one is seen,
        /// -1 once that parent closed), whether the badge closed, and the following siblings' buffers (a chain of
        /// `links`, read only when `hasMarking`).
        var badgeParent: Int?
        var badgeClosed = false
        var hasMarking = false
        var marking = Chain()
    }

    var stack: [Frame] = []
    /// Every text and CDATA run of the page, in order, as libxml2 reported it. A buffer receives all text while it
    /// is open, so its text is one range of the arena and nothing is copied twice; runs are joined as bytes and
    /// decoded once (a character split by a processing instruction reads whole).
    var arena: [UInt8] = []
    /// The buffers: arena ranges; `end` is -1 while open.
    var buffers: [(start: Int, end: Int)] = []
    /// The links of every ``Chain`` of buffers: a buffer and the next link (-1 for the last).
    var links: [(buffer: Int, next: Int)] = []
    /// The open frames' buffers, stacked: frame `i` owns `frameBuffers[stack[i].buffersStart...]` below frame
    /// `i + 1`'s.
    var frameBuffers: [Int] = []
    /// Runs of text directly inside a `td` (its own text): the cell and the arena range.
    var ownRuns: [(cell: Int, start: Int, end: Int)] = []
    /// Stack indices of the open `tr`, `table` and `div` elements, innermost last; open `table.products-tables`.
    var openRows: [Int] = []
    var openTables: [Int] = []
    var openDivs: [Int] = []
    var openProductsTables = 0
    var rows: [RowDraft] = []
    var cells: [CellDraft] = []
    /// Open `td`s, outermost first.
    var openCells: [Int] = []
    /// Element starts counted when each table closed (`nil` while open).
    var tables: [Int?] = []
    var elementStarts = 0
    var messages: [(buffer: Int, isTitle: Bool)?] = []
    var headings: [(buffer: Int, style: String?, cell: Int?)] = []
    var hasTicketWrap = false
    var hasSPARoot = false

    /// Room for a page of `bytes` bytes, so that the arrays do not grow (and copy) while the page is read: the text
    /// is at most the page; buffers, cells and rows are sized from the real pages (about one buffer per 150 bytes
    /// of HTML, one cell per 250, one row per 600), with room to spare. A page beyond these just grows the arrays.
    mutating func reserveCapacity(forPageOf bytes: Int) {
        arena.reserveCapacity(bytes)
        buffers.reserveCapacity(bytes / 100 + 16)
        cells.reserveCapacity(bytes / 200 + 16)
        ownRuns.reserveCapacity(bytes / 200 + 16)
        rows.reserveCapacity(bytes / 400 + 16)
        stack.reserveCapacity(64)
        frameBuffers.reserveCapacity(64)
        // The small ones too (each grew from empty a few times a page): messages are one per `div`, `p`, heading
        // (about one per 1,000 bytes), the open-element stacks rarely pass a few levels.
        messages.reserveCapacity(bytes / 1_000 + 16)
        tables.reserveCapacity(bytes / 4_000 + 8)
        openRows.reserveCapacity(16)
        openTables.reserveCapacity(16)
        openDivs.reserveCapacity(16)
        openCells.reserveCapacity(16)
    }

    mutating func newBuffer() -> Int {
        buffers.append((arena.count, -1))
        return buffers.count - 1
    }

    /// `chain` with `buffer` appended (as a value: the chain lives in `cells`, the link in `links`).
    mutating func appending(_ buffer: Int, to chain: Chain) -> Chain {
        links.append((buffer, -1))
        let link = links.count - 1
        if chain.last >= 0 { links[chain.last].next = link }
        return Chain(first: chain.first >= 0 ? chain.first : link, last: link)
    }

    mutating func stop(_ buffer: Int) {
        if buffers[buffer].end < 0 { buffers[buffer].end = arena.count }
    }

    // MARK: Events

    mutating func start(_ name: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        elementStarts += 1
        let tag = Tag(name)
        var classAttribute: UnsafePointer<xmlChar>?
        var idAttribute: UnsafePointer<xmlChar>?
        var styleAttribute: UnsafePointer<xmlChar>?
        var hasStyle = false
        if let attributes {
            var index = 0
            while let key = attributes[index] {
                let value = attributes[index + 1]
                if isName(key, "class") {
                    if classAttribute == nil { classAttribute = value }
                } else if isName(key, "id") {
                    if idAttribute == nil { idAttribute = value }
                } else if isName(key, "style") {
                    // A valueless attribute reads as "" from the tree.
                    if !hasStyle { styleAttribute = value }
                    hasStyle = true
                }
                index += 2
            }
        }
        func hasClass(_ wanted: StaticString) -> Bool { classAttribute.map { Self.classList($0, contains: wanted) } ?? false }

        // The parent learns it has a new element child.
        var parentCell: Int?
        let depth = stack.count
        if depth > 0 {
            stack[depth - 1].elementChildren += 1
            if stack[depth - 1].tag == .td { parentCell = stack[depth - 1].slot }
        }
        var frame = Frame(tag: tag)
        frame.buffersStart = frameBuffers.count

        // Marking codes: the element children of the first badge's parent that follow the badge.
        let isBadge = classAttribute != nil && hasClass("markirovka_class")
        for cell in openCells where cells[cell].row >= 0 {
            if let parent = cells[cell].badgeParent {
                if cells[cell].badgeClosed, parent == depth - 1 {
                    let buffer = newBuffer()
                    cells[cell].marking = appending(buffer, to: cells[cell].marking)
                    frameBuffers.append(buffer)
                }
            } else if isBadge {
                cells[cell].badgeParent = depth - 1
                cells[cell].hasMarking = true
            }
        }

        switch tag {
        case .tr:
            // An open row with a row inside is not innermost: stop collecting its cells.
            // (Its buffers keep filling; the row is dropped at the end.)
            if let outer = openRows.last { rows[stack[outer].slot].innermost = false }
            let table = openTables.last.map { stack[$0].slot } ?? -1
            rows.append(RowDraft(inProductsTable: openProductsTables > 0, isProductsRow: hasClass("products-row"), table: table))
            frame.slot = rows.count - 1
            openRows.append(depth)
        case .td:
            var cell = CellDraft()
            cell.isPriceSum = hasClass("price-sum")
            if let top = stack.last, top.tag == .tr, rows[top.slot].innermost {
                cell.row = top.slot
                cell.text = newBuffer()
            }
            cells.append(cell)
            frame.slot = cells.count - 1
            if cell.row >= 0 {
                let last = rows[cell.row].cells.last
                if last >= 0 { cells[last].nextInRow = frame.slot } else { rows[cell.row].cells.first = frame.slot }
                rows[cell.row].cells.last = frame.slot
                rows[cell.row].cellCount += 1
            }
            openCells.append(frame.slot)
        case .table:
            tables.append(nil)
            frame.slot = tables.count - 1
            frame.isProductsTable = hasClass("products-tables")
            if frame.isProductsTable { openProductsTables += 1 }
            openTables.append(depth)
        case .span:
            if classAttribute != nil, hasClass("left"), let cell = collectingCell() {
                let buffer = newBuffer()
                cells[cell].spans = appending(buffer, to: cells[cell].spans)
                frameBuffers.append(buffer)
            }
        case .b:
            if let parentCell, cells[parentCell].row >= 0, stack[depth - 1].elementChildren == 1 {
                let buffer = newBuffer()
                cells[parentCell].firstChildBold = buffer
                frameBuffers.append(buffer)
            }
        case .i:
            if let parentCell {
                let buffer = newBuffer()
                cells[parentCell].italics = appending(buffer, to: cells[parentCell].italics)
                frameBuffers.append(buffer)
            }
        case .h3:
            let buffer = newBuffer()
            let cell = openCells.last
            headings.append((buffer, hasStyle ? styleAttribute.map { String(cString: $0) } ?? "" : nil, cell))
            messages.append((buffer, false))
            frameBuffers.append(buffer)
        case .div:
            if !hasTicketWrap, classAttribute != nil, hasClass("ticket-wrap") { hasTicketWrap = true }
            if !hasSPARoot, let id = idAttribute, isName(id, "root") || isName(id, "app") {
                hasSPARoot = true
            }
            // The nearest open div now has a div below it: not innermost.
            if let outer = openDivs.last, stack[outer].message >= 0 {
                let slot = stack[outer].message
                if let message = messages[slot] { stop(message.buffer) }
                messages[slot] = nil
                stack[outer].message = -1
            }
            let buffer = newBuffer()
            messages.append((buffer, false))
            frame.message = messages.count - 1
            frameBuffers.append(buffer)
            openDivs.append(depth)
        case .title, .h1, .h2, .h4, .p:
            let buffer = newBuffer()
            messages.append((buffer, tag == .title || tag == .h1))
            frame.message = messages.count - 1
            frameBuffers.append(buffer)
        case .other, .html, .head, .body: break
        }
        stack.append(frame)
    }

    /// The open cell of a row still collected, if any (at most one: a row inside a cell ends its row's
    /// collection), possibly with other cells, not in rows, open inside it.
    func collectingCell() -> Int? {
        for cell in openCells.reversed() where cells[cell].row >= 0 {
            return rows[cells[cell].row].innermost ? cell : nil
        }
        return nil
    }

    mutating func end() {
        guard let frame = stack.popLast() else { return }
        for index in frame.buffersStart..<frameBuffers.count { stop(frameBuffers[index]) }
        frameBuffers.removeLast(frameBuffers.count - frame.buffersStart)
        let depth = stack.count
        switch frame.tag {
        case .tr: openRows.removeLast()
        case .div: openDivs.removeLast()
        case .td:
            if openCells.last == frame.slot { openCells.removeLast() }
            // The fields read, not the whole draft: a copy of the draft cost more than the rest of this.
            let text = cells[frame.slot].text
            if text >= 0 { stop(text) }
            cells[frame.slot].elementChildren = frame.elementChildren
        case .table:
            tables[frame.slot] = elementStarts
            openTables.removeLast()
            if frame.isProductsTable { openProductsTables -= 1 }
        default: break
        }
        // The badge closing opens its siblings; its parent closing ends them.
        for cell in openCells {
            guard let parent = cells[cell].badgeParent, parent >= 0 else { continue }
            if depth == parent + 1 { cells[cell].badgeClosed = true }
            if depth == parent { cells[cell].badgeParent = -1 }
        }
    }

    /// Text and CDATA (script and style bodies) alike: the tree keeps both as text content, whitespace included
    /// (libxml2 keeps blanks unless told `HTML_PARSE_NOBLANKS`).
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty else { return }
        let start = arena.count
        arena.append(contentsOf: bytes)
        if let top = stack.last, top.tag == .td { ownRuns.append((top.slot, start, arena.count)) }
    }

    mutating func finish() -> PageFacts {
        while !stack.isEmpty { end() }
        let arena = self.arena
        func string(_ buffer: Int) -> String {
            let range = buffers[buffer]
            return arena.withUnsafeBufferPointer {
                String(decoding: UnsafeBufferPointer(rebasing: $0[range.start..<(range.end < 0 ? $0.count : range.end)]), as: UTF8.self)
            }
        }
        func ownText(_ cell: Int) -> String {
            var bytes: [UInt8] = []
            for run in ownRuns where run.cell == cell { bytes += arena[run.start..<run.end] }
            return String(decoding: bytes, as: UTF8.self)
        }
        var facts = PageFacts()
        facts.hasTicketWrap = hasTicketWrap
        facts.hasSPARoot = hasSPARoot
        func strings(_ chain: Chain) -> [String] {
            var result: [String] = []
            var link = chain.first
            while link >= 0 {
                result.append(string(links[link].buffer))
                link = links[link].next
            }
            return result
        }
        facts.headings = headings.map { heading in
            return PageFacts.Heading(
                text: string(heading.buffer), style: heading.style,
                cellOwnText: heading.cell.map(ownText),
                cellItalics: heading.cell.map { strings(cells[$0].italics) } ?? [])
        }
        // Loops rather than `filter` and `map`: no intermediate array of drafts, and each row's cells sized once.
        var rowFacts: [PageFacts.Row] = []
        rowFacts.reserveCapacity(rows.count)
        for row in rows where row.innermost {
            let followed = row.table < 0 ? true : (tables[row.table].map { $0 < elementStarts } ?? false)
            var rowCells: [PageFacts.Cell] = []
            rowCells.reserveCapacity(row.cellCount)
            var index = row.cells.first
            while index >= 0 {
                let cell = cells[index]
                rowCells.append(PageFacts.Cell(
                    text: string(cell.text), isPriceSum: cell.isPriceSum, spans: strings(cell.spans),
                    onlyBold: cell.elementChildren == 1 ? cell.firstChildBold.map(string) : nil,
                    italics: strings(cell.italics),
                    markingCode: cell.hasMarking ? strings(cell.marking).joined(separator: " ") : nil))
                index = cell.nextInRow
            }
            rowFacts.append(PageFacts.Row(
                inProductsTable: row.inProductsTable, isProductsRow: row.isProductsRow,
                tableHasFollowingElement: followed, cells: rowCells))
        }
        facts.rows = rowFacts
        if facts.readsMessageTexts {
            facts.messageTexts = messages.compactMap { message in
                message.map { PageFacts.MessageText(text: string($0.buffer), isTitle: $0.isTitle) }
            }
        }
        return facts
    }

    /// Whether a `class` value lists `wanted` among its whitespace-separated classes (read in place).
    static func classList(_ value: UnsafePointer<xmlChar>, contains wanted: StaticString) -> Bool {
        let target = wanted.utf8Start
        let count = wanted.utf8CodeUnitCount
        var start = value
        while true {
            while isBlank(start.pointee) { start += 1 }
            if start.pointee == 0 { return false }
            var end = start
            while end.pointee != 0, !isBlank(end.pointee) { end += 1 }
            if end - start == count {
                var equal = true
                for offset in 0..<count where start[offset] != target[offset] {
                    equal = false
                    break
                }
                if equal { return true }
            }
            start = end
        }
    }

    // MARK: Handlers

    /// The state behind libxml2's `userData` (``StreamingExtractor/facts(html:)`` passes it).
    static func state(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<StreamState> {
        context!.assumingMemoryBound(to: StreamState.self)
    }

    /// The handlers hold no state (it travels in `userData`), so sharing one value across threads is safe.
    nonisolated(unsafe) static let handler: xmlSAXHandler = {
        var handler = xmlSAXHandler()
        handler.initialized = 1
        handler.startElement = { context, name, attributes in
            guard let name else { return }
            StreamState.state(context).pointee.start(name, attributes)
        }
        handler.endElement = { context, _ in StreamState.state(context).pointee.end() }
        handler.characters = { context, bytes, length in
            guard let bytes, length > 0 else { return }
            StreamState.state(context).pointee.text(UnsafeBufferPointer(start: bytes, count: Int(length)))
        }
        handler.cdataBlock = { context, bytes, length in
            guard let bytes, length > 0 else { return }
            StreamState.state(context).pointee.text(UnsafeBufferPointer(start: bytes, count: Int(length)))
        }
        return handler
    }()
}
