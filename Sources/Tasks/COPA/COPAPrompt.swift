import Foundation
import Harness

/// The fields COPA documents give the card's templates; tasks/copa.yaml states the two
/// prompt formats (lm-eval's and SADI's) over them, and a test checks the rendered text
/// against both formats written out independently.
public enum COPAPrompt {
    /// "because" for a cause, "therefore" for an effect.
    public static func connector(_ question: COPAItem.Question) -> String {
        switch question {
        case .cause: "because"
        case .effect: "therefore"
        }
    }

    /// Python's `premise.strip()[:-1]`: whatever the last character is, it goes.
    public static func premiseStem(_ premise: String) -> String { PythonText.strippedDroppingLast(premise) }

    /// Python's `choice[0].lower() + choice[1:]`.
    public static func lowercasingFirst(_ text: String) -> String { PythonText.lowercasingFirst(text) }

    /// The document fields a card's templates may use (`{{premise}}` etc.).
    public static func fields(of item: COPAItem) -> [String: String] {
        [
            "id": String(item.id),
            "premise": item.premise,
            "choice1": item.choice1,
            "choice2": item.choice2,
            "question": item.asksFor.rawValue,
            "connector": connector(item.asksFor),
            "premise_stem": premiseStem(item.premise),
            "choice1_lcfirst": lowercasingFirst(item.choice1),
            "choice2_lcfirst": lowercasingFirst(item.choice2),
        ]
    }

    public static let fieldNames: Set<String> = [
        "id", "premise", "choice1", "choice2", "question", "connector", "premise_stem",
        "choice1_lcfirst", "choice2_lcfirst",
    ]
}
