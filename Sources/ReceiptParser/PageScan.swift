import CLibXML2

/// One iterative walk over a parsed page collecting what classification and extraction need: the innermost table
/// rows (`//tr[not(.//tr)]`, in document order), the `h3` headings, and the markers of the page kinds.
///
/// It replaces several XPath evaluations: `tr[not(.//tr)]` costs libxml2 a descendant node-set per row, which
/// was most of the extraction time. The walk uses parent pointers and a flag stack, not recursion, so hostile
/// nesting depth cannot exhaust the stack.
struct PageScan {
    /// `tr` elements with no `tr` below them, in document order.
    var innermostRows: [HTMLNode] = []
    /// `h3` elements, in document order.
    var headings: [HTMLNode] = []
    /// A `div` with class `ticket-wrap` exists.
    var hasTicketWrap = false
    /// A `div` with id `root` or `app` (the SPA mount point) exists.
    var hasSPARoot = false

    init(_ document: HTMLDocument) {
        // Every top-level element, not only the first: libxml2 puts what follows `</html>` beside it.
        var top = document.pointer.pointee.children
        while let node = top {
            if node.pointee.type == XML_ELEMENT_NODE { walk(from: node, document) }
            top = node.pointee.next
        }
    }

    private mutating func walk(from root: xmlNodePtr, _ document: HTMLDocument) {
        // flags[i]: whether the subtree being walked at depth i contains a `tr`.
        var flags: [Bool] = [false]
        var current: xmlNodePtr? = root
        while let node = current {
            if node.pointee.type == XML_ELEMENT_NODE {
                visit(node, document)
                if let child = node.pointee.children {
                    flags.append(false)
                    current = child
                    continue
                }
                finish(node, containsRow: false, flags: &flags, document)
            }
            var done = node
            current = nil
            while done != root {
                if let next = done.pointee.next {
                    current = next
                    break
                }
                guard let parent = done.pointee.parent else { break }
                let containsRow = flags.removeLast()
                finish(parent, containsRow: containsRow, flags: &flags, document)
                done = parent
            }
        }
    }

    private mutating func visit(_ node: xmlNodePtr, _ document: HTMLDocument) {
        guard let name = node.pointee.name else { return }
        if xmlStrEqual(name, "h3") != 0 {
            headings.append(HTMLNode(pointer: node, document: document))
        } else if xmlStrEqual(name, "div") != 0, !hasTicketWrap || !hasSPARoot {
            let element = HTMLNode(pointer: node, document: document)
            if element.hasClass("ticket-wrap") { hasTicketWrap = true }
            if let id = element.attribute("id"), id == "root" || id == "app" { hasSPARoot = true }
        }
    }

    private mutating func finish(_ node: xmlNodePtr, containsRow: Bool, flags: inout [Bool], _ document: HTMLDocument) {
        guard node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name else { return }
        if xmlStrEqual(name, "tr") != 0 {
            if !containsRow { innermostRows.append(HTMLNode(pointer: node, document: document)) }
            flags[flags.count - 1] = true
        } else if containsRow {
            flags[flags.count - 1] = true
        }
    }
}

extension HTMLNode {
    /// Whether any element follows this node in document order (outside its own subtree).
    var hasFollowingElement: Bool {
        var node: xmlNodePtr? = pointer
        while let current = node {
            var sibling = current.pointee.next
            while let candidate = sibling {
                if candidate.pointee.type == XML_ELEMENT_NODE { return true }
                sibling = candidate.pointee.next
            }
            node = current.pointee.parent
            if let parent = node, parent.pointee.type != XML_ELEMENT_NODE { return false }
        }
        return false
    }
}
