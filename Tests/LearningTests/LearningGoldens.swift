import Foundation
import Learning
import _TestSupport

/// The scikit-learn goldens of `Tests/Goldens/learning` (written by `make_learning_goldens.py`).
enum LearningGoldens {
    static let directory = Fixtures.goldens.appendingPathComponent("learning")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A golden JSON file as nested `[String: Any]`, `[Any]`, `Int`, `Double`, `String`, `Bool`.
    /// Decoded with `JSONDecoder`, which reads numbers exactly (Foundation's `JSONSerialization`
    /// on Linux is off by a few ulps, e.g. 0.30000000000000004 → 0.3000000000000001).
    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(Value.self, from: data).any as! [String: Any]
    }

    /// Any JSON value.
    private enum Value: Decodable {
        case int(Int), double(Double), string(String), bool(Bool), null, array([Value]), object([String: Value])

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let b = try? c.decode(Bool.self) {
                self = .bool(b)
            } else if let i = try? c.decode(Int.self) {
                self = .int(i)
            } else if let d = try? c.decode(Double.self) {
                self = .double(d)
            } else if let s = try? c.decode(String.self) {
                self = .string(s)
            } else if let a = try? c.decode([Value].self) {
                self = .array(a)
            } else {
                self = .object(try c.decode([String: Value].self))
            }
        }

        var any: Any {
            switch self {
            case .int(let i): i
            case .double(let d): d
            case .string(let s): s
            case .bool(let b): b
            case .null: NSNull()
            case .array(let a): a.map(\.any)
            case .object(let o): o.mapValues(\.any)
            }
        }
    }

    /// A score file: `score,label,weight[,segment]`.
    static func scores(_ name: String) throws -> (scores: [Double], labels: [Bool], weights: [Double], segments: [String]) {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        var scores: [Double] = [], labels: [Bool] = [], weights: [Double] = [], segments: [String] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            scores.append(Double(f[0])!)
            labels.append(f[1] == "1")
            weights.append(Double(f[2])!)
            if f.count > 3 { segments.append(String(f[3])) }
        }
        return (scores, labels, weights, segments)
    }

    static func doubles(_ value: Any?) -> [Double] { (value as! [Any]).map { double($0) } }
    static func double(_ value: Any?) -> Double { (value as? Double) ?? Double(value as! Int) }
}

/// `|a − b| ≤ tolerance`, or both nil.
func close(_ a: Double?, _ b: Double?, _ tolerance: Double) -> Bool {
    switch (a, b) {
    case (nil, nil): true
    case let (x?, y?): abs(x - y) <= tolerance
    default: false
    }
}
