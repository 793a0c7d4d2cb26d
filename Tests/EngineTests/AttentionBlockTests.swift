import Testing

@testable import Engine

/// Attention over long prompts runs a block of query rows at a time; the blocks must give
/// what short passes give, with and without a state, and with a fork's inherited positions.
@Suite("Attention in query blocks", .serialized)
struct AttentionBlockTests {
    @Test("a prompt of three blocks: the same logits as the prompt fed 100 tokens at a time")
    func blocks() throws {
        let m = LlamaParityTests.model
        let block = LlamaAttention.queryBlock
        // Token ids from the middle of the vocabulary: any sequence will do for agreement.
        let ids = (0..<(2 * block + 137)).map { Int32(1000 + ($0 * 7919) % 20_000) }
        let watched = [block - 1, block, 2 * block + 5, ids.count - 1]
        let whole = try m.forward([SequenceInput(tokens: ids, logits: .indices(watched))])[0].values
        let state = m.makeState()
        var pieces: [Float] = []
        var start = 0
        while start < ids.count {
            let end = min(ids.count, start + 100)
            let wanted = watched.filter { $0 >= start && $0 < end }.map { $0 - start }
            let logits = try m.forward([SequenceInput(tokens: Array(ids[start..<end]), state: state, logits: .indices(wanted))])[0]
            pieces += logits.values
            start = end
        }
        #expect(maxAbsDifference(whole, pieces) < 1e-3)
        // A fork whose parent holds the first 300 positions, continued by a two-block prompt.
        let parent = m.makeState()
        _ = try m.forward([SequenceInput(tokens: Array(ids[..<300]), state: parent, logits: .none)])
        let fork = parent.fork()
        let rest = try m.forward([SequenceInput(tokens: Array(ids[300...]), state: fork, logits: .indices([ids.count - 301]))])[0]
        #expect(maxAbsDifference(rest.values, Array(whole.suffix(rest.values.count))) < 1e-3)
    }
}
