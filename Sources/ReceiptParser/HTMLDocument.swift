import CLibXML2

/// Calls `xmlInitParser()` exactly once, lazily and thread-safely (a global `let` initialiser runs once).
private let libxml2Initialised: Bool = {
    xmlInitParser()
    return true
}()

/// Initialises libxml2 once per process (idempotent, thread-safe).
func initialiseLibXML2() { _ = libxml2Initialised }

/// A parsed HTML document owned by Swift (the reference extractor's tree): libxml2's tree is freed when the last reference goes away.
///
/// Parsing always uses `HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET`, reads
/// the bytes as UTF-8 and silences libxml2's error output for the calling thread first. The class is not
/// `Sendable`: a document and its nodes stay on the thread (or task) that parsed them.
public final class HTMLDocument {
    /// The libxml2 document; valid for the lifetime of this object.
    let pointer: htmlDocPtr

    /// Parses `bytes` as an HTML document; `nil` when libxml2 builds no tree at all (for example empty input).
    public init?(parsing bytes: [UInt8]) {
        _ = libxml2Initialised
        clibxml2_silence_errors()
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else { return nil }
        let options = ReceiptPageParser.parseOptions
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                    htmlReadMemory(chars, Int32(buffer.count), nil, "UTF-8", options)
                }
            }
        }
        guard let document else { return nil }
        pointer = document
    }

    deinit { xmlFreeDoc(pointer) }

    /// The root element (`html`), if the document has one.
    var root: HTMLNode? {
        xmlDocGetRootElement(pointer).map { HTMLNode(pointer: $0, document: self) }
    }

    /// The nodes an XPath 1.0 expression selects, in document order; empty when it selects none or is not a
    /// node-set expression.
    func nodes(_ xpath: String, in context: HTMLNode? = nil) -> [HTMLNode] {
        guard let xpathContext = xmlXPathNewContext(pointer) else { return [] }
        defer { xmlXPathFreeContext(xpathContext) }
        if let context { xpathContext.pointee.node = context.pointer }
        guard let result = xmlXPathEvalExpression(xpath, xpathContext) else { return [] }
        defer { xmlXPathFreeObject(result) }
        guard result.pointee.type == XPATH_NODESET, let set = result.pointee.nodesetval,
            let table = set.pointee.nodeTab
        else { return [] }
        let count = Int(set.pointee.nodeNr)
        var nodes: [HTMLNode] = []
        nodes.reserveCapacity(count)
        for index in 0..<count {
            if let node = table[index] { nodes.append(HTMLNode(pointer: node, document: self)) }
        }
        return nodes
    }
}

extension HTMLDocument {
    /// The value of a numeric XPath expression (`count(//tr)`); `nil` when it is not a number.
    func number(_ xpath: String, in context: HTMLNode? = nil) -> Double? {
        guard let xpathContext = xmlXPathNewContext(pointer) else { return nil }
        defer { xmlXPathFreeContext(xpathContext) }
        if let context { xpathContext.pointee.node = context.pointer }
        guard let result = xmlXPathEvalExpression(xpath, xpathContext) else { return nil }
        defer { xmlXPathFreeObject(result) }
        return result.pointee.type == XPATH_NUMBER ? result.pointee.floatval : nil
    }
}

/// A node of an ``HTMLDocument``; it keeps its document alive.
struct HTMLNode {
    let pointer: xmlNodePtr
    let document: HTMLDocument

    /// True for element nodes.
    var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }

    /// True for text and CDATA nodes.
    var isText: Bool { pointer.pointee.type == XML_TEXT_NODE || pointer.pointee.type == XML_CDATA_SECTION_NODE }

    /// Whether this is an element with the given (lowercase) name; libxml2's HTML parser lowercases tag names.
    func isElement(_ elementName: String) -> Bool {
        guard isElement, let name = pointer.pointee.name else { return false }
        return xmlStrEqual(name, elementName) != 0
    }

    /// The concatenated text of this node and all its descendants (entities decoded, comments excluded).
    var text: String {
        guard let content = xmlNodeGetContent(pointer) else { return "" }
        defer { clibxml2_free(content) }
        return String(cString: content)
    }

    /// The bytes of ``text``, undecoded (text runs are joined as bytes, then decoded once).
    var textBytes: [UInt8] {
        guard let content = xmlNodeGetContent(pointer) else { return [] }
        defer { clibxml2_free(content) }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
    }

    /// An attribute's value, or `nil` when absent.
    func attribute(_ attributeName: String) -> String? {
        guard let value = xmlGetProp(pointer, attributeName) else { return nil }
        defer { clibxml2_free(value) }
        return String(cString: value)
    }

    /// Whether the `class` attribute lists `className` as one of its space-separated classes.
    ///
    /// Reads the attribute's text node in place (no copy): this runs for every row and cell of a page.
    func hasClass(_ className: String) -> Bool {
        guard isElement, let attribute = xmlHasProp(pointer, "class") else { return false }
        guard let text = attribute.pointee.children, text.pointee.next == nil, let content = text.pointee.content
        else {
            // An attribute split into several nodes (entity references): take the copying path.
            return (self.attribute("class") ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                .contains { $0 == className }
        }
        var wanted = Array(className.utf8)
        wanted.append(0)
        var start = content
        while true {
            while start.pointee == 0x20 || start.pointee == 0x09 || start.pointee == 0x0A || start.pointee == 0x0D {
                start += 1
            }
            if start.pointee == 0 { return false }
            var end = start
            while end.pointee != 0 && end.pointee != 0x20 && end.pointee != 0x09 && end.pointee != 0x0A
                && end.pointee != 0x0D
            {
                end += 1
            }
            if end - start == wanted.count - 1, xmlStrncmp(start, wanted, Int32(wanted.count - 1)) == 0 { return true }
            start = end
        }
    }

    /// The direct children, all node types, in order.
    var children: [HTMLNode] {
        var result: [HTMLNode] = []
        var child = pointer.pointee.children
        while let node = child {
            result.append(HTMLNode(pointer: node, document: document))
            child = node.pointee.next
        }
        return result
    }

    /// The direct element children with the given (lowercase) name.
    func children(named elementName: String) -> [HTMLNode] { children.filter { $0.isElement(elementName) } }

    /// The following element siblings, in order.
    var followingElementSiblings: [HTMLNode] {
        var result: [HTMLNode] = []
        var sibling = pointer.pointee.next
        while let node = sibling {
            if node.pointee.type == XML_ELEMENT_NODE { result.append(HTMLNode(pointer: node, document: document)) }
            sibling = node.pointee.next
        }
        return result
    }

    /// The nearest ancestor element satisfying `predicate`, if any.
    func ancestor(where predicate: (HTMLNode) -> Bool) -> HTMLNode? {
        var current = pointer.pointee.parent
        while let node = current, node.pointee.type == XML_ELEMENT_NODE {
            let wrapped = HTMLNode(pointer: node, document: document)
            if predicate(wrapped) { return wrapped }
            current = node.pointee.parent
        }
        return nil
    }

    /// Descendant elements (document order) satisfying `predicate`.
    func descendants(where predicate: (HTMLNode) -> Bool) -> [HTMLNode] {
        var result: [HTMLNode] = []
        func visit(_ node: HTMLNode) {
            for child in node.children where child.isElement {
                if predicate(child) { result.append(child) }
                visit(child)
            }
        }
        visit(self)
        return result
    }
}
