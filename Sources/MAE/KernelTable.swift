import CKernels

/// The copies of the fused kernels (CKernels), one per instruction set. A process uses the best
/// one its CPU runs, or the one the environment variable MAEX_ISA names (when the CPU runs it);
/// tests and `maex verify` run a pass on each table in turn with `run(_:)`.
public enum KernelTable: String, CaseIterable, Sendable {
    case generic, avx2, avx512

    /// The table the calling thread's passes use.
    public static var current: KernelTable {
        KernelTable(rawValue: String(cString: ck_isa())) ?? .generic
    }

    /// Whether this CPU runs the table (and this build has it).
    public var runsHere: Bool { ck_isa_runs(rawValue) != 0 }

    /// What MAEX_ISA asked for, when it names a table this CPU does not run or no table at all:
    /// a sentence for the user, else nil.
    public static func ignoredRequest(environment: [String: String]) -> String? {
        guard let asked = environment["MAEX_ISA"], !asked.isEmpty else { return nil }
        let names = allCases.map(\.rawValue).joined(separator: ", ")
        guard let table = KernelTable(rawValue: asked) else {
            return "MAEX_ISA=\(asked) names no kernel table (\(names)); using \(current.rawValue)"
        }
        return table.runsHere ? nil : "MAEX_ISA=\(asked): this CPU does not run that table; using \(current.rawValue)"
    }

    /// Runs `body` with the calling thread's passes on this table (the pool's threads follow it),
    /// then gives the thread the process's table back; nil, without running `body`, when the CPU
    /// does not run it. Calls do not nest.
    public func run<R>(_ body: () -> R) -> R? {
        guard ck_use_isa(rawValue) != 0 else { return nil }
        defer { ck_use_isa(nil) }
        return body()
    }
}
