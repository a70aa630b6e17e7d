import Learning
import Testing

@Suite struct FeatureMatrixTests {
    static let matrix = FeatureMatrix(
        features: [
            .init(name: "hours", kind: .numeric),
            .init(name: "carrier", kind: .categorical, levels: ["DHL", "UPS"]),
        ],
        columns: [[1.5, 2.5, .nan], [0, 1, .nan]])

    @Test func columnMajorLayout() {
        let m = Self.matrix
        m.checkInvariants()
        #expect(m.rowCount == 3 && m.columnCount == 2)
        #expect(m.values[0] == 1.5 && m.values[3] == 0)
        #expect(m[1, 1] == 1)
        #expect(Array(m.column(0)).prefix(2) == [1.5, 2.5])
        #expect(m.columnIndex(named: "carrier") == 1)
        #expect(m.columnIndex(named: "node") == nil)
    }

    @Test func rowSelectionKeepsOrder() {
        let sub = Self.matrix.rows([2, 0])
        #expect(sub.rowCount == 2)
        #expect(sub[1, 0] == 1.5 && sub[1, 1] == 0)
        #expect(sub[0, 0].isNaN && sub[0, 1].isNaN)
        #expect(sub.features == Self.matrix.features)
    }
}
