import Engine

/// Lets several interventions share one forward call: the call's sequences come in blocks,
/// block k belonging to intervention k, and each block's rows are shown to that
/// intervention's editor as if they were a call of their own (sequence numbers from 0).
final class RoutingEditor: ActivationEditor {
    struct Block {
        let editor: ActivationEditor
        let firstSequence: Int
        let sequenceCount: Int
    }

    private let blocks: [Block]

    init(blocks: [Block]) {
        self.blocks = blocks
    }

    func wants(_ site: HookSite) -> Bool { blocks.contains { $0.editor.wants(site) } }

    func visit(_ view: ActivationView) {
        for block in blocks where block.editor.wants(view.site) {
            let sequences = block.firstSequence..<(block.firstSequence + block.sequenceCount)
            guard let first = view.rows.firstIndex(where: { sequences.contains($0.sequence) }) else { continue }
            let end = view.rows[first...].firstIndex { !sequences.contains($0.sequence) } ?? view.rows.endIndex
            let rows = view.rows[first..<end].map {
                RowPosition(sequence: $0.sequence - block.firstSequence, position: $0.position, index: $0.index, count: $0.count)
            }
            block.editor.visit(
                ActivationView(
                    site: view.site, data: view.data + first * view.stride, width: view.width,
                    stride: view.stride, rows: rows, heads: view.heads))
        }
    }
}
