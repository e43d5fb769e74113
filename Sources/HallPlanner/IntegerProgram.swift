import CCBC
import Foundation

/// A mixed-integer linear program solved by COIN-OR CBC through its C interface. The CBC model is owned
/// here and never leaves this file: callers see variable indices and numbers only. Minimisation.
final class IntegerProgram {
    enum Sense: UInt8 {
        case atLeast = 71 /* G */
        case atMost = 76 /* L */
        case equal = 69 /* E */
    }

    struct Solution {
        /// Whether CBC proved the solution optimal (false: a time limit stopped it, or none was found).
        var optimal: Bool
        /// nil when no feasible solution was found (proven infeasible, or nothing found in time).
        var values: [Double]?
        var objective: Double?
        var infeasible: Bool
    }

    private let model: UnsafeMutableRawPointer
    private(set) var variables = 0
    /// CBC 2.10's solver (Cbc_solve → CbcMain1) keeps state in globals: one model is created, solved or
    /// deleted at a time in the process (the planner plans layouts on several threads).
    private static let cbc = NSLock()

    init() {
        model = Self.cbc.withLock { Cbc_newModel()! }
        Cbc_setLogLevel(model, 0)
        Cbc_setParameter(model, "log", "0")
        Cbc_setParameter(model, "slog", "0")
        // The time limit in wall-clock seconds: CPU time is the whole process's, other threads' included.
        Cbc_setParameter(model, "timeMode", "elapsed")
    }

    deinit { Self.cbc.withLock { Cbc_deleteModel(model) } }

    /// Adds a variable with bounds (upper nil: unbounded) and objective coefficient; returns its index.
    @discardableResult
    func addVariable(lower: Double = 0, upper: Double? = nil, cost: Double, integer: Bool) -> Int {
        Cbc_addCol(model, "", lower, upper ?? 1e30, cost, integer ? 1 : 0, 0, nil, nil)
        variables += 1
        return variables - 1
    }

    func addConstraint(_ terms: [(variable: Int, coefficient: Double)], _ sense: Sense, _ rhs: Double) {
        var cols = terms.map { Int32($0.variable) }
        var coefs = terms.map(\.coefficient)
        Cbc_addRow(model, "", Int32(terms.count), &cols, &coefs, CChar(bitPattern: sense.rawValue), rhs)
    }

    func solve(seconds: Double = 20) -> Solution {
        Self.cbc.withLock { solveAlone(seconds: seconds) }
    }

    private func solveAlone(seconds: Double) -> Solution {
        Cbc_setMaximumSeconds(model, seconds)
        Cbc_setAllowableGap(model, 1e-7)
        _ = Cbc_solve(model)
        let infeasible = Cbc_isProvenInfeasible(model) != 0
        let optimal = Cbc_isProvenOptimal(model) != 0
        guard !infeasible, let x = Cbc_getColSolution(model), optimal || Cbc_numberSavedSolutions(model) > 0 else {
            return Solution(optimal: false, values: nil, objective: nil, infeasible: infeasible)
        }
        let values = (0..<variables).map { x[$0] }
        return Solution(optimal: optimal, values: values, objective: Cbc_getObjValue(model), infeasible: false)
    }
}
