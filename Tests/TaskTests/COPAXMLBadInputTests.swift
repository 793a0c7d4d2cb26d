import Foundation
import TaskCOPA
import TestSupport
import Testing

/// Damaged or hostile XML: one clear error with the file and line, nothing fetched.
@Suite("COPA XML parser on bad input")
struct COPAXMLBadInputTests {
    private static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    /// Parses `xml` written to a temp file; returns the COPAError and the file's path.
    private func failure(_ xml: String) throws -> (error: COPAError, path: String) {
        let directory = try COPATestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try COPATestData.write(xml, named: "copa-dev.xml", in: directory)
        do {
            let items = try COPAXMLParser.parse(contentsOf: path)
            throw TestFailure("expected an error, parsed \(items.count) items")
        } catch let error as COPAError {
            return (error, path)
        }
    }

    private func release() throws -> String { try COPATestData.text(COPATestData.dev) }

    @Test("a broken closing tag: libxml2's message and the line")
    func brokenTag() throws {
        let original = try release()
        let xml = try original.replacingOnce("going through a hard time.</a1>", with: "going through a hard time.</a3>")
        let (error, path) = try failure(xml)
        let line = try #require(xml.lineNumber(of: "</a3>"))
        guard case let .malformed(file, reportedLine, message) = error else {
            Issue.record("expected .malformed, got \(error)")
            return
        }
        #expect(file == path)
        #expect(reportedLine == line)
        #expect(message.contains("a1") && message.contains("a3"))
        #expect(error.description.hasPrefix("\(path):\(line): not well-formed XML: "))
    }

    @Test("a truncated file")
    func truncated() throws {
        let original = try release()
        let (error, _) = try failure(String(original.prefix(original.count / 2)))
        guard case .malformed = error else {
            Issue.record("expected .malformed, got \(error)")
            return
        }
    }

    @Test("an empty file")
    func empty() throws {
        let (error, _) = try failure("")
        #expect(error.description.contains(":1: not well-formed XML"))
    }

    @Test("an external file entity is neither read nor expanded")
    func externalFileEntity() throws {
        let directory = try COPATestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = try COPATestData.write("TOP-SECRET-CONTENT", named: "secret.txt", in: directory)
        let xml =
            Self.header + """
                <!DOCTYPE copa-corpus [<!ENTITY xxe SYSTEM "file://\(secret)">]>
                <copa-corpus version="1.0">
                  <item id="1" asks-for="cause" most-plausible-alternative="1">
                    <p>&xxe;</p>
                    <a1>The sun was rising.</a1>
                    <a2>The grass was cut.</a2>
                  </item>
                </copa-corpus>
                """
        let (error, path) = try failure(xml)
        #expect(
            error
                == .invalidItem(
                    file: path, line: 5, item: "<p> of item 1",
                    problem: "contains the entity reference &xxe;, which is never expanded (DTDs and external entities are not loaded)",
                    fix: "write the text itself"))
        #expect(!error.description.contains("TOP-SECRET"))
    }

    @Test("no network: an http DTD and an http entity open no connection")
    func noNetwork() throws {
        let root = try COPATestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("<!ELEMENT copa-corpus ANY>".utf8).write(to: root.appendingPathComponent("copa.dtd"))
        try Data("leaked".utf8).write(to: root.appendingPathComponent("x"))
        let server = try LoopbackHTTPServer(root: root)
        defer { server.stop() }
        let base = server.baseURL
        let item = """
              <item id="1" asks-for="cause" most-plausible-alternative="1">
                <p>My body cast a shadow over the grass.</p>
                <a1>The sun was rising.</a1>
                <a2>The grass was cut.</a2>
              </item>
            """
        // The DOCTYPE alone: parses, since the DTD is never loaded.
        let dtdOnly =
            Self.header + "<!DOCTYPE copa-corpus SYSTEM \"\(base)/copa.dtd\">\n<copa-corpus version=\"1.0\">\n\(item)\n</copa-corpus>\n"
        let directory = try COPATestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let items = try COPAXMLParser.parse(contentsOf: try COPATestData.write(dtdOnly, named: "dtd.xml", in: directory))
        #expect(items.map(\.id) == [1])

        // An entity fetched over http: refused, not fetched.
        let entity =
            Self.header + "<!DOCTYPE copa-corpus SYSTEM \"\(base)/copa.dtd\" [<!ENTITY net SYSTEM \"\(base)/x\">]>\n"
            + "<copa-corpus version=\"1.0\">\n" + item.replacingOccurrences(of: "over the grass.", with: "&net;") + "\n</copa-corpus>\n"
        let (error, _) = try failure(entity)
        #expect(error.description.contains("&net;"))
        #expect(server.requests.isEmpty, "libxml2 fetched \(server.requests.map(\.path))")
    }

    @Test("an internal entity is refused too, rather than expanded")
    func internalEntity() throws {
        let xml = try release()
            .replacingOnce(
                "<!DOCTYPE copa-corpus SYSTEM \"copa.dtd\">",
                with: "<!DOCTYPE copa-corpus SYSTEM \"copa.dtd\" [<!ENTITY sun \"The sun\">]>"
            )
            .replacingOnce("<a1>The sun was rising.</a1>", with: "<a1>&sun; was rising.</a1>")
        let (error, _) = try failure(xml)
        #expect(error.description.contains("<a1> of item 1 contains the entity reference &sun;"))
    }

    @Test("a missing attribute names the item and the attribute")
    func missingAttribute() throws {
        let xml = try release().replacingOnce("<item id=\"2\" asks-for=\"cause\" ", with: "<item id=\"2\" ")
        let (error, path) = try failure(xml)
        #expect(
            error
                == .invalidItem(
                    file: path, line: 11, item: "item 2", problem: "has no `asks-for` attribute",
                    fix: "add asks-for=\"cause\" or asks-for=\"effect\""))
        #expect(error.description == "\(path):11: item 2 has no `asks-for` attribute; add asks-for=\"cause\" or asks-for=\"effect\".")
    }

    @Test("a missing id names the item by its position")
    func missingID() throws {
        let xml = try release().replacingOnce("<item id=\"3\" ", with: "<item ")
        let (error, _) = try failure(xml)
        #expect(error.description.contains("item #3 has no `id` attribute"))
    }

    @Test("a missing element names the item and the element")
    func missingElement() throws {
        let xml = try release().replacingOnce("<a2>The grass was cut.</a2>", with: "")
        let (error, path) = try failure(xml)
        #expect(
            error
                == .invalidItem(
                    file: path, line: 5, item: "item 1", problem: "has no <a2> element",
                    fix: "add <a2> with the second alternative"))
    }

    @Test(
        "bad values, duplicates and strangers",
        arguments: [
            (
                "most-plausible-alternative=\"1\">\n    <p>My body", "most-plausible-alternative=\"3\">\n    <p>My body",
                "item 1 has most-plausible-alternative=\"3\""
            ),
            ("<item id=\"2\" asks-for=\"cause\"", "<item id=\"2\" asks-for=\"reason\"", "item 2 has asks-for=\"reason\""),
            ("<item id=\"2\" ", "<item id=\"1\" ", "item 1 repeats the id of the item at line 5"),
            ("<a1>The sun was rising.</a1>", "<a1>The sun was rising.</a1><a1>Again.</a1>", "item 1 has a second <a1>"),
            ("<a1>The sun was rising.</a1>", "<a1>  </a1>", "item 1 has an empty <a1>"),
            ("<a1>The sun was rising.</a1>", "<a1>The <b>sun</b> was rising.</a1>", "<a1> of item 1 contains a <b> element"),
            ("<a1>The sun was rising.</a1>", "<a3>The sun was rising.</a3>", "item 1 has an unknown element <a3>"),
            ("<item id=\"2\" ", "<item id=\"2\" lang=\"en\" ", "item #2 has an unknown attribute `lang`"),
            ("<copa-corpus  version=\"1.0\">", "<corpus>", "the root element is <corpus>, not <copa-corpus>"),
        ])
    func invalidItems(target: String, replacement: String, expected: String) throws {
        var xml = try release().replacingOnce(target, with: replacement)
        if replacement == "<corpus>" { xml = try xml.replacingOnce("</copa-corpus>", with: "</corpus>") }
        let (error, _) = try failure(xml)
        #expect(error.description.contains(expected), "\(error)")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
