/// A document rendered with a prompt: the request the model answers and what the answer is
/// judged against. The currency between tasks and runners, as lm-eval's `Instance`.
public struct Instance: Sendable, Hashable {
    public let docID: String
    public let request: Request
    public let reference: Reference

    public init(docID: String, request: Request, reference: Reference) {
        self.docID = docID
        self.request = request
        self.reference = reference
    }

    /// The sample of this instance with its response (and the paired baseline's).
    public func sample(response: Response, baseline: Response? = nil) -> Sample {
        Sample(docID: docID, request: request, reference: reference, response: response, baseline: baseline)
    }
}

extension Instance {
    /// The instance with `prefix` (a description and few-shot examples) put before every
    /// context.
    public func prefixingContext(_ prefix: String) -> Instance {
        switch request {
        case let .loglikelihood(choices):
            let prefixed = choices.map {
                Choice(
                    context: prefix + $0.context, continuation: $0.continuation, text: $0.text,
                    splitTrailingWhitespace: $0.splitTrailingWhitespace)
            }
            return Instance(docID: docID, request: .loglikelihood(choices: prefixed), reference: reference)
        case let .generateUntil(context, generation):
            return Instance(docID: docID, request: .generateUntil(context: prefix + context, generation: generation), reference: reference)
        }
    }
}
