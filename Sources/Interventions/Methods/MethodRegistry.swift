import Harness

/// The methods `--method` accepts, in the order they are listed. `baseline` is not a
/// method: it is the run without an intervention.
public struct MethodRegistry: Sendable {
    public private(set) var methods: [any InterventionMethod]

    public init(_ methods: [any InterventionMethod]) {
        self.methods = methods
    }

    public static let standard = MethodRegistry([
        SADIHiddenMethod(), SADIHeadMethod(), SADINeuronMethod(), CAAMethod(), SADIRandomMethod(), SADIFixedMethod(),
        ITIMethod(),
    ])

    /// The registry with `method` added (or replacing the one of the same name).
    public func registering(_ method: any InterventionMethod) -> MethodRegistry {
        var copy = self
        copy.methods.removeAll { $0.name == method.name }
        copy.methods.append(method)
        return copy
    }

    public static let baselineName = "baseline"

    /// Every name `--method` accepts.
    public var names: [String] { [Self.baselineName] + methods.map(\.name) }

    /// The method `name`, or nil for the baseline.
    public func method(named name: String, flag: String = "--method") throws -> (any InterventionMethod)? {
        if name == Self.baselineName { return nil }
        guard let method = methods.first(where: { $0.name == name }) else {
            throw HarnessError.unknownName(kind: "method", flag: flag, given: name, valid: names)
        }
        return method
    }
}
