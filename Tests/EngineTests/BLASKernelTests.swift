import Engine
import Foundation
import TestSupport
import Testing

@Suite("OpenBLAS kernel choice")
struct BLASKernelTests {
    @Test("generic fallbacks are replaced by what the CPU runs; a recognised core stands")
    func betterCore() {
        let avx512: Set<String> = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]
        #expect(BLASKernel.betterCore(current: "Prescott", cpuFlags: avx512) == "SkylakeX")
        #expect(BLASKernel.betterCore(current: "Prescott", cpuFlags: ["avx", "avx2", "fma"]) == "Haswell")
        #expect(BLASKernel.betterCore(current: "Prescott", cpuFlags: ["sse4_2", "avx"]) == nil)
        #expect(BLASKernel.betterCore(current: "Haswell", cpuFlags: avx512) == nil)
        #expect(BLASKernel.betterCore(current: "SapphireRapids", cpuFlags: avx512) == nil)
    }

    @Test("the CPU flags are read from /proc/cpuinfo")
    func flags() throws {
        let scratch = try TestPaths.scratchDirectory("cpuinfo")
        try "processor\t: 0\nmodel name\t: X\nflags\t\t: fpu sse2 avx2 fma\n\nprocessor\t: 1\nflags\t\t: fpu\n"
            .write(toFile: scratch + "/cpuinfo", atomically: true, encoding: .utf8)
        #expect(BLASKernel.cpuFlags(cpuinfo: scratch + "/cpuinfo") == ["fpu", "sse2", "avx2", "fma"])
        #expect(BLASKernel.cpuFlags(cpuinfo: scratch + "/missing").isEmpty)
    }

    @Test("the tests run on the kernels the CPU supports (make test names them when OpenBLAS falls back)")
    func testProcessKernels() {
        #expect(
            BLASKernel.betterCore(current: BLASKernel.coreName, cpuFlags: BLASKernel.cpuFlags()) == nil,
            "OpenBLAS runs \(BLASKernel.coreName) kernels; run the tests through `make test` or set OPENBLAS_CORETYPE")
    }
}
