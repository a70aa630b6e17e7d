import Learning
import Storage
import _WaybillSupport

extension FeatureMatrix {
    /// The matrix as CSV for other tools: `case_id,prefix_time,label,weight`, then one column
    /// per feature. Numbers are written in Swift's shortest round-trip form (so another tool reads
    /// back the very same doubles), missing values as empty cells, categorical features as their
    /// level index (the levels are in `schema.json` beside the file).
    ///
    /// - Complexity: O(*rows* × *columns*).
    public func csv(rows: PrefixRows, log: ColumnarLog) -> String {
        precondition(rows.count == rowCount)
        var text = (["case_id", "prefix_time", "label", "weight"] + features.map(\.name)).joined(separator: ",") + "\n"
        text.reserveCapacity(rowCount * (columnCount * 6 + 60))
        for r in 0..<rowCount {
            text += CSVCell.escape(log.caseIDs[Int(rows.caseIndex[r])])
            text += "," + Timestamp.format(rows.time[r])
            text += "," + (rows.label[r] < 0 ? "" : String(rows.label[r]))
            text += "," + String(rows.weight[r])
            for j in 0..<columnCount {
                let v = self[r, j]
                text += ","
                if v.isNaN { continue }
                if v == v.rounded(), abs(v) < 1e15 { text += String(Int64(v)) } else { text += String(v) }
            }
            text += "\n"
        }
        return text
    }
}
