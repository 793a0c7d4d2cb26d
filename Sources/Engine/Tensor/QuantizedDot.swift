/// Dot products taken straight from Q4_1, Q8_0, IQ4_NL and IQ4_XS blocks, for the few-row
/// path: the weights are read once at their stored 4.25 to 8.5 bits per value instead of
/// being written out as float32 first. Results equal dequantise-then-dot up to float32
/// rounding (the sums are formed in another order), not bit for bit.
///
/// Each block's quants are widened into a 32-float stack buffer by a plain lane loop (which
/// LLVM turns into vpmovzx/vcvtdq2ps; SIMD16 integer-to-float conversions are lowered lane
/// by lane), then multiplied with X on SIMD8 vectors (SIMD16 products of loads picked up
/// stray lane shuffles in the generated code).
enum QuantizedDot {
    /// Q4_1 value = d·q + m, so a block contributes d·Σ q·x + m·Σ x: one scale per block,
    /// and Σ x per block is shared by every weight row.
    static func q4_1(
        _ base: UnsafeRawPointer, rows: Int, columns: Int, x: UnsafePointer<Float>, m: Int, lda: Int,
        into y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool
    ) {
        let blocks = columns / 32, rowBytes = blocks * LegacyQuants.q4_1Bytes
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32 + blocks) { buffer in
            let q = buffer.baseAddress!, sums = q + 32
            for i in 0..<m {
                let xi = x + i * lda
                for b in 0..<blocks { sums[b] = blockSum(xi + 32 * b) }
                for r in 0..<rows {
                    let row = base + r * rowBytes
                    var acc = Accumulator(), offset: Float = 0
                    for b in 0..<blocks {
                        let block = row + b * LegacyQuants.q4_1Bytes
                        let qs = (block + 4).assumingMemoryBound(to: UInt8.self)
                        for j in 0..<16 {
                            q[j] = Float(qs[j] & 0x0F)
                            q[j + 16] = Float(qs[j] >> 4)
                        }
                        acc.add(q, xi + 32 * b, scale: scale(block, 0))
                        offset += scale(block, 2) * sums[b]
                    }
                    let sum = acc.sum() + offset
                    y[i * ldy + r] = accumulate ? y[i * ldy + r] + sum : sum
                }
            }
        }
    }

    /// Q8_0 value = d·q: a block contributes d·Σ q·x.
    static func q8_0(
        _ base: UnsafeRawPointer, rows: Int, columns: Int, x: UnsafePointer<Float>, m: Int, lda: Int,
        into y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool
    ) {
        let blocks = columns / 32, rowBytes = blocks * LegacyQuants.q8_0Bytes
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { buffer in
            let q = buffer.baseAddress!
            for i in 0..<m {
                let xi = x + i * lda
                for r in 0..<rows {
                    let row = base + r * rowBytes
                    var acc = Accumulator()
                    for b in 0..<blocks {
                        let block = row + b * LegacyQuants.q8_0Bytes
                        let qs = (block + 2).assumingMemoryBound(to: Int8.self)
                        for j in 0..<32 { q[j] = Float(qs[j]) }
                        acc.add(q, xi + 32 * b, scale: scale(block, 0))
                    }
                    let sum = acc.sum()
                    y[i * ldy + r] = accumulate ? y[i * ldy + r] + sum : sum
                }
            }
        }
    }

    /// IQ4_NL value = d·table[i]: a block contributes d·Σ table[i]·x.
    static func iq4_nl(
        _ base: UnsafeRawPointer, rows: Int, columns: Int, x: UnsafePointer<Float>, m: Int, lda: Int,
        into y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool
    ) {
        let blocks = columns / 32, rowBytes = blocks * NonLinearQuants.iq4_nlBytes
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { buffer in
            let q = buffer.baseAddress!
            for i in 0..<m {
                let xi = x + i * lda
                for r in 0..<rows {
                    let row = base + r * rowBytes
                    var acc = Accumulator()
                    for b in 0..<blocks {
                        let block = row + b * NonLinearQuants.iq4_nlBytes
                        widenTableValues(block + 2, into: q)
                        acc.add(q, xi + 32 * b, scale: scale(block, 0))
                    }
                    let sum = acc.sum()
                    y[i * ldy + r] = accumulate ? y[i * ldy + r] + sum : sum
                }
            }
        }
    }

    /// IQ4_XS value = d·(ls − 32)·table[i]: each group of 32 contributes its own scale
    /// d·(ls − 32) times Σ table[i]·x.
    static func iq4_xs(
        _ base: UnsafeRawPointer, rows: Int, columns: Int, x: UnsafePointer<Float>, m: Int, lda: Int,
        into y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool
    ) {
        let blocks = columns / 256, rowBytes = blocks * NonLinearQuants.iq4_xsBytes
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { buffer in
            let q = buffer.baseAddress!
            for i in 0..<m {
                let xi = x + i * lda
                for r in 0..<rows {
                    let row = base + r * rowBytes
                    var acc = Accumulator()
                    for b in 0..<blocks {
                        let block = row + b * NonLinearQuants.iq4_xsBytes
                        let d = scale(block, 0)
                        for group in 0..<8 {
                            widenTableValues(block + 8 + 16 * group, into: q)
                            let dl = d * Float(NonLinearQuants.groupScale(block, group) - 32)
                            acc.add(q, xi + 256 * b + 32 * group, scale: dl)
                        }
                    }
                    let sum = acc.sum()
                    y[i * ldy + r] = accumulate ? y[i * ldy + r] + sum : sum
                }
            }
        }
    }

    /// The table values of one IQ4 group's 16 index bytes as 32 floats.
    @inline(__always)
    private static func widenTableValues(_ indices: UnsafeRawPointer, into q: UnsafeMutablePointer<Float>) {
        withUnsafeBytes(of: NonLinearQuants.groupValues(indices)) { values in
            for j in 0..<32 { q[j] = Float(values.load(fromByteOffset: j, as: Int8.self)) }
        }
    }

    /// Σ q·x·scale over blocks, kept in 16 lanes and reduced once per row.
    struct Accumulator {
        var low = SIMD8<Float>(), high = SIMD8<Float>()

        @inline(__always)
        mutating func add(_ q: UnsafePointer<Float>, _ x: UnsafePointer<Float>, scale: Float) {
            let rq = UnsafeRawPointer(q), rx = UnsafeRawPointer(x)
            let p0 =
                rq.loadUnaligned(as: SIMD8<Float>.self) * rx.loadUnaligned(as: SIMD8<Float>.self)
                + rq.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self) * rx.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
            let p1 =
                rq.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) * rx.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                + rq.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self) * rx.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
            low += p0 * scale
            high += p1 * scale
        }

        @inline(__always)
        func sum() -> Float { (low + high).sum() }
    }

    /// A block's f16 scale. The hardware conversion (F16C, one instruction in the release
    /// build's haswell target) suffices here: these sums need not be bit-exact with ggml.
    @inline(__always)
    private static func scale(_ block: UnsafeRawPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: UInt16(littleEndian: block.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
    }

    @inline(__always)
    private static func blockSum(_ x: UnsafePointer<Float>) -> Float {
        let rx = UnsafeRawPointer(x)
        return (rx.loadUnaligned(as: SIMD16<Float>.self) + rx.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)).sum()
    }
}
