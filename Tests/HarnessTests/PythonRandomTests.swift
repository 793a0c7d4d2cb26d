import Harness
import Testing

/// CPython 3.11's `random.Random`, the numbers written out from the interpreter.
@Suite("CPython's random, bit for bit")
struct PythonRandomTests {
    @Test("Random(1234) and Random(0): the first 32-bit outputs")
    func outputs() {
        var r = PythonRandom(seed: 1234)
        #expect((0..<5).map { _ in r.nextUInt32() } == [4_150_886_329, 3_342_196_574, 1_892_932_127, 501_869_158, 32_175_636])
        var zero = PythonRandom(seed: 0)
        #expect((0..<3).map { _ in zero.nextUInt32() } == [3_626_764_237, 1_654_615_998, 3_255_389_356])
        // A seed over 32 bits is two key words.
        var wide = PythonRandom(seed: (1 << 40) + 7)
        #expect(wide.nextUInt32() == 2_635_837_658)
    }

    @Test("sample: the pool branch (small populations) and the set branch, successive calls")
    func sample() {
        var small = PythonRandom(seed: 1234)
        #expect((0..<3).map { _ in small.sample(from: 10, count: 3) } == [[7, 1, 0], [1, 0, 9], [1, 5, 3]])
        var five = PythonRandom(seed: 1234)
        #expect((0..<3).map { _ in five.sample(from: 5, count: 3) } == [[3, 0, 4], [0, 4, 2], [0, 4, 1]])
        var large = PythonRandom(seed: 1234)
        #expect(large.sample(from: 3270, count: 5) == [3187, 1805, 478, 30, 371])
        #expect(large.sample(from: 100, count: 8) == [74, 4, 85, 88, 10, 12, 98, 45])
        var six = PythonRandom(seed: 1234)
        #expect(six.sample(from: 9427, count: 6) == [7220, 1914, 122, 1485, 572, 1375])
        #expect(six.sample(from: 9427, count: 6) == [1612, 5810, 3879, 285, 504, 259])
        var other = PythonRandom(seed: 42)
        #expect(other.sample(from: 30, count: 5) == [20, 3, 0, 23, 8])
    }
}
