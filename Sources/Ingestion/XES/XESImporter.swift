import Storage
import _WaybillSupport

/// Imports an XES (IEEE 1849-2016) event log, plain or gzip, streaming.
///
/// Log attributes, extensions, globals and classifiers are recorded as log attributes (scopes
/// `log`, `extension`, `global:trace`, `global:event`, `classifier`). A trace's `concept:name`
/// is its case id and its other attributes become case attributes; an event's `concept:name`,
/// `time:timestamp`, `org:resource` and `lifecycle:transition` fill the event's fields, and a
/// `date` attribute named `start_timestamp` or `time:start` its start time. Every XES type is
/// read (`string`, `date`, `int`, `float`, `boolean`, `id`); `list` and `container` values and
/// nested attributes are flattened into path keys (`parent/child`) and counted in a warning.
///
/// An event without activity or a readable timestamp, or in a trace without case id, is
/// rejected with its line; malformed XML stops the import with the line of the fault.
///
/// The reader works on bytes: it takes the tokenizer's tokens through `XMLTokenizer.nextRaw()`
/// (names and values as bytes into its buffer), matches attribute keys as bytes, reads dates
/// from bytes, writes the attribute JSON straight from the value bytes (`XESValueWriter`) and
/// looks activity, resource and lifecycle names up by their bytes (`ByteNameTable`): no
/// `String` per attribute or per event. The store and rejects are those of the `String`-based
/// reader it replaced (kept in the tests as `XESReferenceImporter` and compared on every
/// fixture).
///
/// Parsing and storing run on two threads (`BatchPipeline`): the parser hands batches of traces
/// (`XESBatch`) to the store writer (`XESBatchWriter`) on the calling thread, which makes the same
/// session calls in the same order as one thread would, so the store, the rejects and the errors
/// are the same; a parse error rolls the import back after the batches before it were stored,
/// a store error stops the parser.
///
/// - Complexity: O(*n*) in the uncompressed size; memory holds one trace and a few batches.
public struct XESImporter: LogImporter {
    public var formatName: String { "xes" }
    let path: String
    let options: ImportOptions
    /// The bytes of parsed traces handed to the store writer at a time.
    let batchBytes: Int

    public init(path: String, options: ImportOptions) {
        self.init(path: path, options: options, batchBytes: 1 << 20)
    }

    /// An importer handing over batches of about `batchBytes` (tests pass 1, a trace per batch).
    init(path: String, options: ImportOptions, batchBytes: Int) {
        self.path = path
        self.options = options
        self.batchBytes = batchBytes
    }

    /// The XES elements the importer tells apart; `other` for anything else.
    enum ElementKind: Equatable {
        case log, trace, event, global, extensionElement, classifier
        case string, date, int, float, boolean, id, list, container
        case other

        /// True for the XES attribute elements.
        var isAttribute: Bool {
            switch self {
            case .string, .date, .int, .float, .boolean, .id, .list, .container: true
            default: false
            }
        }

        /// The XES type name of an attribute element (its element name).
        var xesType: String {
            switch self {
            case .string: "string"
            case .date: "date"
            case .int: "int"
            case .float: "float"
            case .boolean: "boolean"
            case .id: "id"
            case .list: "list"
            case .container: "container"
            default: ""
            }
        }
    }

    /// The kind of an element by its name without namespace prefix (`xes:event` is `event`).
    ///
    /// Compares bytes by length first: a `switch` over `String`s cost a string comparison per
    /// case per element, several per attribute of every event.
    ///
    /// - Complexity: O(*n*) in the name's length.
    static func kind(_ rawName: String) -> ElementKind {
        if let kind = rawName.utf8.withContiguousStorageIfAvailable({ kind(bytes: $0) }) { return kind }
        var name = rawName
        return name.withUTF8 { kind(bytes: $0) }
    }

    /// The kind of an element by the bytes of its name (namespace prefix ignored).
    ///
    /// - Complexity: O(*n*) in the name's length.
    @inline(__always)
    static func kind(bytes all: UnsafeBufferPointer<UInt8>) -> ElementKind {
        // Most names have no prefix: a whole-name match needs no search for ':'.
        let whole = kind(unprefixed: all)
        if whole != .other { return whole }
        var start = 0
        var i = all.count &- 1
        while i >= 0 {
            if all[i] == 0x3A {
                start = i &+ 1
                break
            }
            i &-= 1
        }
        return start == 0 ? .other : kind(unprefixed: UnsafeBufferPointer(rebasing: all[start...]))
    }

    /// The kind of an element name without prefix.
    @inline(__always)
    private static func kind(unprefixed b: UnsafeBufferPointer<UInt8>) -> ElementKind {
        @inline(__always) func equals(_ word: StaticString) -> Bool { b.equals(word) }
        switch b.count {
        case 2: return equals("id") ? .id : .other
        case 3: return equals("int") ? .int : equals("log") ? .log : .other
        case 4: return equals("date") ? .date : equals("list") ? .list : .other
        case 5: return equals("event") ? .event : equals("trace") ? .trace : equals("float") ? .float : .other
        case 6: return equals("string") ? .string : equals("global") ? .global : .other
        case 7: return equals("boolean") ? .boolean : .other
        case 9: return equals("extension") ? .extensionElement : equals("container") ? .container : .other
        case 10: return equals("classifier") ? .classifier : .other
        default: return .other
        }
    }

    public func run(into session: IngestSession, rejects: inout RejectLog) throws {
        let path = path
        let options = options
        let batchBytes = batchBytes
        let parsed = ParserState()
        var writer = XESBatchWriter(caseType: options.caseType)
        var writerFailed = false
        do {
            // The parser fills batches of traces on a thread of its own while this thread stores
            // them (issue 2's 100 MB/s of XML: the tokenizer and reader are about 60 % of the
            // work, the identity hashes and the session about 25 %, so on two cores the two
            // overlap). Two batches of about a megabyte may wait: memory stays streaming.
            try BatchPipeline<XESBatch>.run(
                depth: 2, make: { XESBatch() },
                produce: { pipeline, batch in
                    var rejects = RejectLog()
                    defer { parsed.rejects = rejects }
                    try Self.parse(
                        path: path, options: options, batchBytes: batchBytes, pipeline: pipeline, batch: &batch,
                        rejects: &rejects)
                },
                consume: { batch in
                    do { try writer.write(batch, into: session) } catch {
                        writerFailed = true
                        throw error
                    }
                    batch.removeAll()
                })
        } catch {
            // On a store error, the rejects the parser had recorded when the writer got there,
            // as one thread would have left them; on a parse error, all of them.
            let kept = writerFailed ? parsed.rejects.rejects.prefix(writer.rejectsBefore) : parsed.rejects.rejects[...]
            for reject in kept { rejects.add(reject) }
            rejects.rowsRead += parsed.rejects.rowsRead
            throw error
        }
        for reject in parsed.rejects.rejects { rejects.add(reject) }
        rejects.rowsRead += parsed.rejects.rowsRead
        rejects.warnings.merge(parsed.rejects.warnings) { $0 + $1 }
    }

    /// What the parser's thread leaves for the caller: written before the thread says it is done
    /// (which `BatchPipeline.run` waits for, whether it returns or throws).
    private final class ParserState: @unchecked Sendable {
        var rejects = RejectLog()
    }

    /// Parses the file into batches for the store writer: the parser's thread of `run`.
    ///
    /// - Complexity: O(*n*) in the uncompressed size.
    private static func parse(
        path: String, options: ImportOptions, batchBytes: Int, pipeline: BatchPipeline<XESBatch>,
        batch: inout XESBatch, rejects: inout RejectLog
    ) throws {
        let source: ByteSource
        do { source = try ByteSource(path: path) } catch { throw IngestionError(.unreadable, file: path, "\(error)") }
        let progress = Progress(label: "reading \(path)", total: source.fileSize)
        defer { progress.finish() }
        let timestamps = try TimestampReader(format: "iso", timeZone: options.timeZone)
        var reader = XESReader(path: path, options: options, timestamps: timestamps)
        var tokenizer = XMLTokenizer(source: source.next)
        var tokens = 0
        while true {
            let token: XMLTokenizer.RawToken?
            do { token = try tokenizer.nextRaw() } catch let error as XMLError {
                throw IngestionError(
                    .malformed, file: path, location: "line \(error.line)", "invalid XML: \(error.message)")
            } catch let error as ByteSource.ReadError {
                throw IngestionError(.unreadable, file: path, error.reason)
            }
            guard let token else { break }
            tokens += 1
            if tokens & 0xFFF == 0 {
                progress.update(source.bytesRead)
                try pipeline.checkCancelled()
            }
            switch token {
            case .startElement(let selfClosing):
                try reader.start(&tokenizer, selfClosing: selfClosing, batch: &batch, rejects: &rejects)
            case .endElement:
                reader.end(XESImporter.kind(bytes: tokenizer.elementName), batch: &batch, rejects: &rejects)
                if batch.byteCount >= batchBytes { try pipeline.emit(&batch) }
            case .text:
                break
            }
        }
        guard reader.sawLog else {
            throw IngestionError(.wrongFormat, file: path, "holds no <log> element: not an XES file")
        }
        reader.finish(&rejects)
    }
}
