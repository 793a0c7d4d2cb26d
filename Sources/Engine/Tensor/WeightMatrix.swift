/// A linear layer's weight, `rows × columns` (out × in features), left in its stored type
/// in the memory-mapped file. Several stored tensors with the same column count can be
/// stacked (q/k/v, gate/up) so one matrix product serves them all.
public struct WeightMatrix: @unchecked Sendable {
    struct Part {
        let base: UnsafeRawPointer
        let type: GGMLType
        let rows: Int
        /// Keeps `base` alive when it is not in a mapped file the model holds (a copy made
        /// because the stored bytes were not aligned for the type).
        var owner: AnyObject? = nil
    }

    let parts: [Part]
    public let rows: Int
    public let columns: Int

    init(parts: [Part], columns: Int) {
        self.parts = parts
        self.columns = columns
        rows = parts.reduce(0) { $0 + $1.rows }
    }

    /// The stored data is already float32 and contiguous: no copy is needed.
    var directFloats: UnsafePointer<Float>? {
        guard parts.count == 1, parts[0].type == .f32 else { return nil }
        return parts[0].base.assumingMemoryBound(to: Float.self)
    }

    /// Dequantises rows `range` into `destination` (row-major, `columns` floats a row).
    func dequantizeRows(_ range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        var partStart = 0
        for part in parts {
            let lo = max(range.lowerBound, partStart), hi = min(range.upperBound, partStart + part.rows)
            if lo < hi, let rowBytes = part.type.rowBytes(columns) {
                Dequantization.dequantize(
                    part.type, part.base + (lo - partStart) * rowBytes,
                    count: (hi - lo) * columns,
                    into: destination + (lo - range.lowerBound) * columns)
            }
            partStart += part.rows
        }
    }

    /// Y[m × rows] = X[m × columns] · Wᵀ (+ Y when `accumulate`). With many rows of X (prompt
    /// processing) the whole matrix is dequantised once on all cores and each thread
    /// multiplies all of X by its share of the weight rows: OpenBLAS packs the weights it is
    /// given on every call, so splitting X instead had each thread pack the whole matrix
    /// (measured: 7% more cycles per forward pass). With a few rows (decoding) the weights are
    /// dotted straight from their blocks (`multiplyFewRows`); in between (logit rows) each
    /// thread dequantises its share tile by tile. The weights are read once in total.
    /// `quantized`: scratch for X at 8 bits a value, given for 8-bit activations (few rows only).
    func multiply(
        _ x: UnsafePointer<Float>, m: Int, lda: Int? = nil, into y: UnsafeMutablePointer<Float>, ldy: Int? = nil,
        accumulate: Bool = false, scratch: [FloatBuffer], shared: FloatBuffer, quantized: FloatBuffer? = nil, threads: Int
    ) {
        let ldy = ldy ?? rows, lda = lda ?? columns, columns = self.columns, rows = self.rows
        let beta: Float = accumulate ? 1 : 0
        if m <= Self.fewRowLimit {
            multiplyFewRows(
                x, m: m, lda: lda, into: y, ldy: ldy, accumulate: accumulate, scratch: scratch, quantized: quantized,
                threads: threads)
            return
        }
        let xs = UncheckedSendable(x), ys = UncheckedSendable(y)
        if m >= 32 && rows * columns <= Self.sharedLimit || directFloats != nil {
            let w: UnsafePointer<Float>
            if let direct = directFloats {
                w = direct
            } else {
                let buffer = UncheckedSendable(shared.reserve(rows * columns))
                Parallel.forRanges(rows, threads: threads, grain: 64) { _, r in
                    dequantizeRows(r, into: buffer.value + r.lowerBound * columns)
                }
                w = UnsafePointer(buffer.value)
            }
            let ws = UncheckedSendable(w)
            Parallel.forRanges(rows, threads: threads, grain: 32) { _, r in
                BLAS.gemmTransposedB(
                    m: m, n: r.count, k: columns, a: xs.value, lda: lda,
                    b: ws.value + r.lowerBound * columns, ldb: columns,
                    c: ys.value + r.lowerBound, ldc: ldy, beta: beta)
            }
            return
        }
        // Tiles of ~1 MB stay in a core's L2 between dequantising and multiplying; wider
        // products (many logit rows) amortise the packing of X over larger tiles.
        let tileRows = max(64, (m > 64 ? 4 << 20 : 1 << 20) / (4 * columns))
        Parallel.forRanges(rows, threads: threads, grain: 32) { chunk, range in
            let tile = scratch[chunk].reserve(tileRows * columns)
            var start = range.lowerBound
            while start < range.upperBound {
                let count = min(tileRows, range.upperBound - start)
                dequantizeRows(start..<(start + count), into: tile)
                BLAS.gemmTransposedB(
                    m: m, n: count, k: columns, a: xs.value, lda: lda, b: tile, ldb: columns,
                    c: ys.value + start, ldc: ldy, beta: beta)
                start += count
            }
        }
    }

    /// Matrices up to this many values (16 MB as float32) are dequantised whole.
    static let sharedLimit = 4 << 20
}

extension GGUFFile: WeightSource {
    func hasTensor(_ name: String) -> Bool { tensor(named: name) != nil }

    /// A weight matrix of `rows × columns` made of the named tensors stacked by rows.
    func weightMatrix(_ names: [String], columns: Int, rows expected: [Int]) throws -> WeightMatrix {
        var parts: [WeightMatrix.Part] = []
        for (name, rows) in zip(names, expected) {
            guard let info = tensor(named: name) else { throw EngineError.missingTensor(path: path, name: name) }
            guard info.dimensions == [columns, rows] else {
                throw EngineError.badTensorShape(path: path, name: name, expected: [columns, rows], found: info.dimensions)
            }
            guard Dequantization.supports(info.type) else {
                throw EngineError.unreadableTensorType(path: path, tensor: name, type: info.type)
            }
            parts.append(.init(base: data(of: info).baseAddress!, type: info.type, rows: rows))
        }
        return WeightMatrix(parts: parts, columns: columns)
    }

    /// A 1-D float32 vector (norm weights, biases), copied out of the file.
    func vector(_ name: String, count: Int) throws -> [Float] {
        guard let info = tensor(named: name) else { throw EngineError.missingTensor(path: path, name: name) }
        guard info.elementCount == count, info.dimensions.count == 1 else {
            throw EngineError.badTensorShape(path: path, name: name, expected: [count], found: info.dimensions)
        }
        var out = [Float](repeating: 0, count: count)
        guard Dequantization.supports(info.type) else {
            throw EngineError.unreadableTensorType(path: path, tensor: name, type: info.type)
        }
        out.withUnsafeMutableBufferPointer {
            Dequantization.dequantize(info.type, data(of: info).baseAddress!, count: count, into: $0.baseAddress!)
        }
        return out
    }
}
