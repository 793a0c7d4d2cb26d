import CLibXML2

/// Turns a parsed COPA document into items, checking what copa.dtd states (the parser
/// never loads the DTD): a `copa-corpus` root holding `item` elements, each with id,
/// asks-for (cause|effect) and most-plausible-alternative (1|2), and one `p`, `a1`, `a2`.
struct COPACorpusReader {
    let file: String

    func items(in document: xmlDocPtr) throws -> [COPAItem] {
        guard let root = xmlDocGetRootElement(document) else {
            throw COPAError.invalidDocument(file: file, line: 1, problem: "it has no root element")
        }
        guard name(of: root) == "copa-corpus" else {
            throw COPAError.invalidDocument(
                file: file, line: line(of: root),
                problem: "the root element is <\(name(of: root))>, not <copa-corpus>")
        }
        var items: [COPAItem] = []
        var lineOfID: [Int: Int] = [:]
        for node in children(of: root) {
            guard node.pointee.type == XML_ELEMENT_NODE else {
                try checkIgnorable(node, inside: "<copa-corpus>") { problem in
                    COPAError.invalidDocument(file: file, line: line(of: node), problem: problem)
                }
                continue
            }
            guard name(of: node) == "item" else {
                throw COPAError.invalidDocument(
                    file: file, line: line(of: node),
                    problem: "<copa-corpus> holds a <\(name(of: node))> element, where only <item> belongs")
            }
            let item = try readItem(node, ordinal: items.count + 1)
            if let earlier = lineOfID[item.id] {
                throw invalid(
                    node, "item \(item.id)", "repeats the id of the item at line \(earlier)",
                    fix: "give every item its own id")
            }
            lineOfID[item.id] = line(of: node)
            items.append(item)
        }
        guard !items.isEmpty else {
            throw COPAError.invalidDocument(file: file, line: line(of: root), problem: "<copa-corpus> holds no <item> elements")
        }
        return items
    }

    private func readItem(_ node: xmlNodePtr, ordinal: Int) throws -> COPAItem {
        var attributes: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let key = String(cString: current.pointee.name)
            guard ["id", "asks-for", "most-plausible-alternative"].contains(key) else {
                throw invalid(
                    node, "item #\(ordinal)", "has an unknown attribute `\(key)`",
                    fix: "use only id, asks-for and most-plausible-alternative")
            }
            attributes[key] = try text(
                of: UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self),
                describedAs: "attribute `\(key)` of item #\(ordinal)")
            attribute = current.pointee.next
        }

        guard let idText = attributes["id"] else {
            throw invalid(node, "item #\(ordinal)", "has no `id` attribute", fix: "add id=\"N\" as the other items have")
        }
        guard let id = Int(idText), id > 0 else {
            throw invalid(
                node, "item #\(ordinal)", "has id=\"\(idText)\", not a positive whole number",
                fix: "give it its number in the release")
        }
        let label = "item \(id)"
        guard let asksText = attributes["asks-for"] else {
            throw invalid(node, label, "has no `asks-for` attribute", fix: "add asks-for=\"cause\" or asks-for=\"effect\"")
        }
        guard let asksFor = COPAItem.Question(rawValue: asksText) else {
            throw invalid(node, label, "has asks-for=\"\(asksText)\"", fix: "use asks-for=\"cause\" or asks-for=\"effect\"")
        }
        guard let answerText = attributes["most-plausible-alternative"] else {
            throw invalid(
                node, label, "has no `most-plausible-alternative` attribute",
                fix: "add most-plausible-alternative=\"1\" or \"2\"")
        }
        guard answerText == "1" || answerText == "2" else {
            throw invalid(node, label, "has most-plausible-alternative=\"\(answerText)\"", fix: "use \"1\" or \"2\"")
        }

        var texts: [String: String] = [:]
        let roles = ["p": "the premise", "a1": "the first alternative", "a2": "the second alternative"]
        for child in children(of: node) {
            guard child.pointee.type == XML_ELEMENT_NODE else {
                try checkIgnorable(child, inside: "<item>") { problem in invalid(child, label, problem, fix: "remove it") }
                continue
            }
            let element = name(of: child)
            guard roles[element] != nil else {
                throw invalid(child, label, "has an unknown element <\(element)>", fix: "use only <p>, <a1> and <a2>")
            }
            guard texts[element] == nil else {
                throw invalid(child, label, "has a second <\(element)>", fix: "keep one")
            }
            let value = try text(of: child, describedAs: "<\(element)> of \(label)")
            guard !value.isEmpty else {
                throw invalid(child, label, "has an empty <\(element)>", fix: "write \(roles[element]!) in it")
            }
            texts[element] = value
        }
        for element in ["p", "a1", "a2"] where texts[element] == nil {
            throw invalid(node, label, "has no <\(element)> element", fix: "add <\(element)> with \(roles[element]!)")
        }
        return COPAItem(
            id: id, asksFor: asksFor, premise: texts["p"]!, choice1: texts["a1"]!,
            choice2: texts["a2"]!, label: answerText == "1" ? 0 : 1)
    }

    /// The text content of an element or attribute, without surrounding whitespace. Entity
    /// references are refused: they are never expanded, so the text would silently lack them.
    private func text(of node: xmlNodePtr, describedAs what: String) throws -> String {
        var text = ""
        for child in children(of: node) {
            switch child.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = child.pointee.content { text += String(cString: content) }
            case XML_ENTITY_REF_NODE:
                throw invalid(
                    child, what,
                    "contains the entity reference &\(name(of: child));, which is never expanded (DTDs and external entities are not loaded)",
                    fix: "write the text itself")
            case XML_ELEMENT_NODE:
                throw invalid(child, what, "contains a <\(name(of: child))> element", fix: "keep only text in it")
            default:
                continue
            }
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whitespace, comments and processing instructions may sit between elements.
    private func checkIgnorable(_ node: xmlNodePtr, inside parent: String, error: (String) -> COPAError) throws {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            let content = node.pointee.content.map { String(cString: $0) } ?? ""
            if !content.allSatisfy(\.isWhitespace) { throw error("has text directly inside \(parent)") }
        case XML_ENTITY_REF_NODE:
            throw error("has the entity reference &\(name(of: node)); directly inside \(parent)")
        default:
            return
        }
    }

    private func invalid(_ node: xmlNodePtr, _ item: String, _ problem: String, fix: String) -> COPAError {
        .invalidItem(file: file, line: line(of: node), item: item, problem: problem, fix: fix)
    }

    private func children(of node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child: xmlNodePtr? = node.pointee.children
        while let current = child {
            result.append(current)
            child = current.pointee.next
        }
        return result
    }

    private func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    private func line(of node: xmlNodePtr) -> Int { Int(xmlGetLineNo(node)) }
}
