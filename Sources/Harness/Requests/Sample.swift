/// One document of a run: the request, its reference, the model's response and (for a
/// method run) the response without the intervention, computed in the same batch for the
/// paired comparison. The journal stores samples, so every output type resumes, and
/// `--log-samples` keeps them.
public struct Sample: Sendable, Hashable, Codable {
    public let docID: String
    public let request: Request
    public let reference: Reference
    public let response: Response
    public var baseline: Response?

    public init(docID: String, request: Request, reference: Reference, response: Response, baseline: Response? = nil) {
        self.docID = docID
        self.request = request
        self.reference = reference
        self.response = response
        self.baseline = baseline
    }

    /// The same document as the baseline answered it, for scoring the paired side.
    public var baselineSample: Sample? {
        baseline.map { Sample(docID: docID, request: request, reference: reference, response: $0) }
    }

    enum CodingKeys: String, CodingKey {
        case docID = "doc_id", request, reference, response, baseline
    }
}
