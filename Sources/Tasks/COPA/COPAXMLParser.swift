import CLibXML2
import Foundation

/// Reads the original COPA XML (copa-dev.xml, copa-test.xml) with libxml2.
///
/// The files declare `<!DOCTYPE copa-corpus SYSTEM "copa.dtd">`. The parser never loads that
/// DTD or any other external resource: no XML_PARSE_DTDLOAD/DTDATTR/DTDVALID, no
/// XML_PARSE_NOENT (so no entity is substituted and external entities are never fetched),
/// and XML_PARSE_NONET. An entity reference in the text is an error rather than silently
/// empty text. The structure the DTD describes is checked by `COPACorpusReader` instead.
///
/// Each call has its own parser context and collects errors through that context's SAX
/// structured-error hook, so calls on different threads share no libxml2 state and nothing
/// is printed to stderr.
public enum COPAXMLParser {
    /// libxml2 wants xmlInitParser before first use from several threads; a static let runs
    /// it exactly once, however many threads arrive first.
    private static let libraryInitialised: Void = { xmlInitParser() }()

    static let options = Int32(
        truncatingIfNeeded: XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_BIG_LINES.rawValue)

    public static func parse(contentsOf path: String) throws -> [COPAItem] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: path)
                ? (error as NSError).localizedDescription
                : "there is no such file"
            throw COPAError.unreadable(file: path, reason: reason)
        }
        return try parse(data, fileName: path)
    }

    /// `fileName` names the data in errors (and is the document's base URL, which is never
    /// used to load anything).
    public static func parse(_ data: Data, fileName: String) throws -> [COPAItem] {
        let document = try readDocument(data, fileName: fileName)
        defer { xmlFreeDoc(document) }
        return try COPACorpusReader(file: fileName).items(in: document)
    }

    /// The first error libxml2 reports; later ones are mostly consequences of it.
    private final class ErrorLog {
        var first: (line: Int, message: String)?

        func record(_ error: xmlError) {
            guard first == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            first = (Int(error.line), COPAXMLParser.message(of: error))
        }
    }

    private static func readDocument(_ data: Data, fileName: String) throws -> xmlDocPtr {
        _ = libraryInitialised
        guard !data.isEmpty else { throw COPAError.malformed(file: fileName, line: 1, message: "Document is empty") }
        guard data.count < Int(Int32.max) else {
            throw COPAError.unreadable(file: fileName, reason: "it is larger than libxml2's 2 GB limit for one buffer")
        }
        guard let context = xmlNewParserCtxt() else {
            throw COPAError.unreadable(file: fileName, reason: "libxml2 could not allocate a parser context")
        }
        defer { xmlFreeParserCtxt(context) }

        // The hook receives ctxt->userData, which for a context from xmlNewParserCtxt is the
        // context itself; its _private field (which xmlCtxtReset leaves alone) carries the log.
        let log = ErrorLog()
        context.pointee._private = Unmanaged.passUnretained(log).toOpaque()
        context.pointee.sax.pointee.serror = { userData, error in
            guard let userData, let error else { return }
            let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let logPointer = context.pointee._private else { return }
            Unmanaged<ErrorLog>.fromOpaque(logPointer).takeUnretainedValue().record(error.pointee)
        }

        let document: xmlDocPtr? = withExtendedLifetime(log) {
            data.withUnsafeBytes { bytes in
                xmlCtxtReadMemory(
                    context, bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
                    Int32(bytes.count), fileName, nil, options)
            }
        }
        context.pointee._private = nil

        // Namespace errors leave a document behind; any reported error still rejects the file.
        if let document, context.pointee.wellFormed != 0, log.first == nil {
            return document
        }
        if let document { xmlFreeDoc(document) }
        if let first = log.first {
            throw COPAError.malformed(file: fileName, line: first.line, message: first.message)
        }
        // Newer libxml2 versions might not route every error through the SAX hook.
        if let last = xmlCtxtGetLastError(context), last.pointee.code != 0 {
            throw COPAError.malformed(file: fileName, line: Int(last.pointee.line), message: message(of: last.pointee))
        }
        throw COPAError.malformed(file: fileName, line: 1, message: "libxml2 returned no document")
    }

    private static func message(of error: xmlError) -> String {
        guard let text = error.message else { return "error \(error.code)" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
