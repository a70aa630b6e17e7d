import Storage
import _WaybillSupport

/// Imports an object-centric event log in the OCEL 2.0 XML layout (plain or gzip), streaming.
///
/// Reads the layout of the OCEL 2.0 XML schema:
///
/// ```xml
/// <log>
///   <object-types><object-type name="…"><attributes><attribute name="…" type="…"/>…
///   <event-types><event-type name="…"><attributes><attribute name="…" type="…"/>…
///   <objects><object id="…" type="…">
///     <attributes><attribute name="…" time="…">value</attribute></attributes>
///     <objects><relationship object-id="…" qualifier="…"/></objects></object>…
///   <events><event id="…" type="…" time="…">
///     <attributes><attribute name="…">value</attribute></attributes>
///     <objects><relationship object-id="…" qualifier="…"/></objects></event>…
/// </log>
/// ```
///
/// Elements are matched by their depth under `<log>`, so unknown elements are skipped. The file is
/// tokenized with `XMLTokenizer` over a `ByteSource`, one element at a time: memory holds one
/// event, never the document. `OCELBuilder` types the values and writes the store, and resolves
/// relationships to objects defined later in the file, as for the JSON and SQLite layouts.
///
/// OCEL 2.0 XML timestamps are often written without a zone (local time of the exporter); they
/// then need `--timezone`.
///
/// - Complexity: O(*n*) time in the file's size; memory O(objects + forward references), not
///   O(*n*).
public struct OCELXMLImporter: LogImporter {
    public var formatName: String { "ocel2-xml" }
    let path: String
    let options: ImportOptions

    public init(path: String, options: ImportOptions) {
        self.path = path
        self.options = options
    }

    /// The part of the log being read, from the element under `<log>`.
    ///
    /// - Complexity: O(1).
    private enum Section { case other, objectTypes, eventTypes, objects, events }

    /// - Throws: `IngestionError` `.unreadable` (missing file, truncated gzip), `.malformed`
    ///   (XML that is not well-formed, with its line), `.wrongFormat` (XML that is not an OCEL 2.0
    ///   log), `.ambiguousTimeZone`.
    /// - Complexity: O(*n*) in the file's size; memory O(one event + objects + forward references).
    public func run(into session: IngestSession, rejects: inout RejectLog) throws {
        let source: ByteSource
        do { source = try ByteSource(path: path) } catch let error as ByteSource.ReadError {
            throw IngestionError(.unreadable, file: path, error.reason)
        }
        let progress = Progress(label: "reading \(path)", total: source.fileSize)
        defer { progress.finish() }
        var tokenizer = XMLTokenizer(source: source.next)
        let builder = try OCELBuilder(session: session, path: path, options: options, rejects: rejects)
        defer { rejects = builder.rejects }

        var depth = 0
        var section = Section.other
        var sawLog = false
        var sawEvents = false
        // The type being declared (object-type / event-type) and its attribute declarations.
        var typeName: String? = nil
        var declarations: [(name: String, type: String)] = []
        // The object or event being read.
        var elementID: String? = nil
        var elementType: String? = nil
        var elementTime: String? = nil
        var elementLocation = ""
        var objectDefined = false
        var inAttributes = false
        var inRelationships = false
        var attributeName: String? = nil
        var attributeTime: String? = nil
        var attributeText = ""
        var eventAttributes: [(name: String, value: OCELRawValue)] = []
        var relationships: [(objectID: String?, qualifier: String?)] = []
        var tokensSinceProgress = 0

        func next() throws -> XMLToken? {
            do { return try tokenizer.next() } catch let error as XMLError {
                throw IngestionError(
                    .malformed, file: path, location: "line \(error.line)", "is not well-formed XML: \(error.message)")
            } catch let error as ByteSource.ReadError {
                throw IngestionError(.unreadable, file: path, error.reason)
            }
        }

        /// Hands the attribute just read to the builder.
        func endAttribute(line: Int) throws {
            defer { attributeName = nil }
            guard let name = attributeName else { return }
            switch section {
            case .objects:
                guard objectDefined, let elementID else { return }
                try builder.objectAttribute(
                    objectID: elementID, name: name, time: attributeTime, value: .text(attributeText),
                    location: "line \(line)")
            case .events:
                eventAttributes.append((name, .text(attributeText)))
            default: break
            }
        }

        while let token = try next() {
            tokensSinceProgress += 1
            if tokensSinceProgress == 65_536 {
                tokensSinceProgress = 0
                progress.update(source.bytesRead)
            }
            switch token {
            case .startElement(let name, _, let selfClosing):
                depth += 1
                defer { if selfClosing { depth -= 1 } }
                switch depth {
                case 1:
                    guard name == "log" else {
                        throw IngestionError(
                            .wrongFormat, file: path, location: "line \(tokenizer.line)",
                            "the root element is <\(name)>, not <log>, so this is not an OCEL 2.0 XML log")
                    }
                    sawLog = true
                case 2:
                    switch name {
                    case "object-types": section = .objectTypes
                    case "event-types": section = .eventTypes
                    case "objects": section = .objects
                    case "events":
                        section = .events
                        sawEvents = true
                    case "trace":
                        throw IngestionError(
                            .wrongFormat, file: path, location: "line \(tokenizer.line)",
                            "has <trace> elements: this is an XES log, not OCEL 2.0 XML; pass --format xes")
                    default: section = .other
                    }
                case 3:
                    switch (section, name) {
                    case (.objectTypes, "object-type"), (.eventTypes, "event-type"):
                        typeName = token.attribute("name")
                        declarations.removeAll(keepingCapacity: true)
                    case (.objects, "object"):
                        elementID = token.attribute("id")
                        elementLocation = "line \(tokenizer.line)"
                        objectDefined = try builder.object(
                            id: elementID, type: token.attribute("type"), location: elementLocation)
                    case (.events, "event"):
                        elementID = token.attribute("id")
                        elementType = token.attribute("type")
                        elementTime = token.attribute("time")
                        elementLocation = "line \(tokenizer.line)"
                        eventAttributes.removeAll(keepingCapacity: true)
                        relationships.removeAll(keepingCapacity: true)
                    default: break
                    }
                case 4:
                    inAttributes = name == "attributes"
                    inRelationships = name == "objects"
                case 5:
                    if inAttributes && name == "attribute" {
                        switch section {
                        case .objectTypes, .eventTypes:
                            if let attribute = token.attribute("name") {
                                declarations.append((attribute, token.attribute("type") ?? ""))
                            }
                        case .objects, .events:
                            attributeName = token.attribute("name")
                            attributeTime = token.attribute("time")
                            attributeText = ""
                            if selfClosing { try endAttribute(line: tokenizer.line) }
                        case .other: break
                        }
                    } else if inRelationships && name == "relationship" {
                        switch section {
                        case .objects:
                            if objectDefined, let elementID {
                                try builder.objectLink(
                                    sourceID: elementID, targetID: token.attribute("object-id"),
                                    qualifier: token.attribute("qualifier"), location: "line \(tokenizer.line)")
                            }
                        case .events:
                            relationships.append((token.attribute("object-id"), token.attribute("qualifier")))
                        default: break
                        }
                    }
                default: break
                }

            case .text(let text):
                if depth == 5 && attributeName != nil { attributeText += text }

            case .endElement(let name):
                defer { depth -= 1 }
                switch depth {
                case 2: section = .other
                case 3:
                    switch (section, name) {
                    case (.objectTypes, "object-type"):
                        if let typeName { try builder.declareObjectType(typeName, attributes: declarations) }
                    case (.eventTypes, "event-type"):
                        if let typeName { builder.declareEventType(typeName, attributes: declarations) }
                    case (.events, "event"):
                        try builder.event(
                            id: elementID, type: elementType, time: elementTime, attributes: eventAttributes,
                            relationships: relationships, location: elementLocation)
                    default: break
                    }
                    typeName = nil
                    elementID = nil
                    objectDefined = false
                case 4:
                    inAttributes = false
                    inRelationships = false
                case 5:
                    if attributeName != nil && name == "attribute" { try endAttribute(line: tokenizer.line) }
                default: break
                }
            }
        }

        guard sawLog, sawEvents else {
            throw IngestionError(
                .wrongFormat, file: path,
                "has no <log><events> element, so it is not an OCEL 2.0 XML log")
        }
        try builder.finish()
    }
}
