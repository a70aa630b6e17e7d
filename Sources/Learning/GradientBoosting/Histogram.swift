/// Per-bin sums of gradient, hessian and row count for every feature of one tree node.
///
/// One flat buffer per node: feature `j`'s bin `b` is at `3 × (histogramOffsets[j] + b)`, holding
/// (Σ gradient, Σ hessian, count). Histograms are built over a node's row list (Ke et al.,
/// "LightGBM: A highly efficient gradient boosting decision tree", NeurIPS 2017, algorithm 1) and a
/// sibling's is derived by subtraction from its parent's (the "histogram subtraction trick").
///
/// Features are spread over threads; each feature's sums are made by one thread in row order, so
/// the sums, and hence the model, are the same whatever the thread count.
struct Histogram {
    /// How many features one pass over the rows fills (the row index and the gradient pair are
    /// loaded once per group).
    static let groupSize = 4

    /// Fills `hist` for `features` from the rows `rows` (nil: all rows 0..<count, in order).
    ///
    /// `gradHess` holds interleaved (gradient, hessian) pairs, in the order of `rows` when `rows` is
    /// given (LightGBM's "ordered gradients"), by row otherwise. Only the features listed are
    /// touched; they are zeroed first.
    ///
    /// - Complexity: O(rows × features / threads + bins).
    static func build(
        into hist: UnsafeMutablePointer<Double>, data: BinnedMatrix, bins: UnsafePointer<UInt8>,
        features: [Int], rows: UnsafePointer<Int32>?, count: Int, gradHess: UnsafePointer<Double>,
        threads: Int
    ) {
        let groups = stride(from: 0, to: features.count, by: groupSize).map {
            Array(features[$0..<min($0 + groupSize, features.count)])
        }
        let n = data.rowCount
        let work = { (g: Int) in
            let group = groups[g]
            for j in group {
                let h = hist + 3 * data.histogramOffsets[j]
                h.update(repeating: 0, count: 3 * data.binCounts[j])
            }
            if group.count == groupSize {
                accumulate4(
                    hist, data: data, bins: bins, n: n, group: group, rows: rows, count: count, gradHess: gradHess)
            } else {
                for j in group {
                    accumulate1(
                        hist + 3 * data.histogramOffsets[j], column: bins + j * n, rows: rows, count: count,
                        gradHess: gradHess)
                }
            }
        }
        let workers = count < 4096 ? 1 : max(1, min(threads, groups.count))
        parallelFor(workers) { w in
            var g = w
            while g < groups.count {
                work(g)
                g += workers
            }
        }
    }

    @inline(__always)
    private static func accumulate1(
        _ h: UnsafeMutablePointer<Double>, column: UnsafePointer<UInt8>, rows: UnsafePointer<Int32>?, count: Int,
        gradHess: UnsafePointer<Double>
    ) {
        if let rows {
            for k in 0..<count {
                let b = 3 &* Int(column[Int(rows[k])])
                h[b] += gradHess[2 &* k]
                h[b &+ 1] += gradHess[2 &* k &+ 1]
                h[b &+ 2] += 1
            }
        } else {
            for i in 0..<count {
                let b = 3 &* Int(column[i])
                h[b] += gradHess[2 &* i]
                h[b &+ 1] += gradHess[2 &* i &+ 1]
                h[b &+ 2] += 1
            }
        }
    }

    @inline(__always)
    private static func accumulate4(
        _ hist: UnsafeMutablePointer<Double>, data: BinnedMatrix, bins: UnsafePointer<UInt8>, n: Int, group: [Int],
        rows: UnsafePointer<Int32>?, count: Int, gradHess: UnsafePointer<Double>
    ) {
        let c0 = bins + group[0] * n
        let c1 = bins + group[1] * n
        let c2 = bins + group[2] * n
        let c3 = bins + group[3] * n
        let h0 = hist + 3 * data.histogramOffsets[group[0]]
        let h1 = hist + 3 * data.histogramOffsets[group[1]]
        let h2 = hist + 3 * data.histogramOffsets[group[2]]
        let h3 = hist + 3 * data.histogramOffsets[group[3]]
        @inline(__always) func add(_ h: UnsafeMutablePointer<Double>, _ bin: UInt8, _ g: Double, _ hs: Double) {
            let b = 3 &* Int(bin)
            h[b] += g
            h[b &+ 1] += hs
            h[b &+ 2] += 1
        }
        if let rows {
            for k in 0..<count {
                let r = Int(rows[k])
                let g = gradHess[2 &* k]
                let hs = gradHess[2 &* k &+ 1]
                add(h0, c0[r], g, hs)
                add(h1, c1[r], g, hs)
                add(h2, c2[r], g, hs)
                add(h3, c3[r], g, hs)
            }
        } else {
            for r in 0..<count {
                let g = gradHess[2 &* r]
                let hs = gradHess[2 &* r &+ 1]
                add(h0, c0[r], g, hs)
                add(h1, c1[r], g, hs)
                add(h2, c2[r], g, hs)
                add(h3, c3[r], g, hs)
            }
        }
    }

    /// `parent -= child` for `features`: the parent's buffer becomes the sibling's histogram.
    ///
    /// - Complexity: O(bins of those features).
    static func subtract(
        _ child: UnsafePointer<Double>, from parent: UnsafeMutablePointer<Double>, data: BinnedMatrix,
        features: [Int]
    ) {
        for j in features {
            let o = 3 * data.histogramOffsets[j]
            for k in o..<(o + 3 * data.binCounts[j]) { parent[k] -= child[k] }
        }
    }
}
