import ArgumentParser
import Configuration
import Conformance
import Export
import Features
import Foundation
import Ingestion
import Learning
import Mining
import Simulation
import Storage
import _WaybillSupport

/// Documented exit codes (see `waybill --help`).
enum Exit {
    static let unexpected: Int32 = 1
    static let badInput: Int32 = 3
    static let tooManyRejects: Int32 = 4
    static let store: Int32 = 5
    static let output: Int32 = 6
}

/// Runs a command body, turning library errors into one clear line on stderr and an exit code.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as IngestionError {
        try fail("error: \(error)", code: error.code == .tooManyRejects ? Exit.tooManyRejects : Exit.badInput)
    } catch let error as StoreError {
        try fail("error: \(error)", code: error.code == .invalidInput || error.code == .notFound ? Exit.badInput : Exit.store)
    } catch let error as ExportError {
        try fail("error: \(error)", code: Exit.output)
    } catch let error as MiningError {
        try fail("error: \(error)", code: error.code == .cannotWrite ? Exit.output : Exit.badInput)
    } catch let error as ConfigurationError {
        try fail("error: \(error)", code: Exit.badInput)
    } catch let error as OutputError {
        try fail("error: \(error)", code: Exit.output)
    } catch let error as ConformanceError {
        try fail("error: \(error)", code: error.code == .cannotWrite ? Exit.output : Exit.badInput)
    } catch let error as LearningError {
        try fail("error: \(error)", code: error.code == .cannotWrite ? Exit.output : Exit.badInput)
    } catch let error as FeatureError {
        try fail("error: \(error)", code: Exit.badInput)
    } catch let error as SimulationError {
        try fail("error: \(error)", code: Exit.badInput)
    } catch let error as ByteSource.ReadError {
        try fail("error: \(error)", code: Exit.badInput)
    } catch let error as ExitCode {
        throw error
    } catch let error as any ValidationErrorProtocol {
        throw error
    } catch {
        try fail("error: \(error)", code: Exit.unexpected)
    }
}

/// A file the CLI itself writes (not a library) cannot be written.
struct OutputError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): cannot write: \(reason)" }
}

/// Marks errors that ArgumentParser should report itself.
protocol ValidationErrorProtocol: Error {}
extension ValidationError: ValidationErrorProtocol {}

private func fail(_ message: String, code: Int32) throws -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    throw ExitCode(code)
}
