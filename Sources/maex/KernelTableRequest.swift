import Foundation
import MAE

/// MAEX_ISA, the environment variable that forces a kernel table.
enum KernelTableRequest {
    /// Says on stderr that MAEX_ISA was not followed, when it names a table this CPU does not
    /// run or no table at all (the process then uses its best table).
    static func warnIfIgnored() {
        if let note = KernelTable.ignoredRequest(environment: ProcessInfo.processInfo.environment) {
            StandardStreams.error("maex: \(note)\n")
        }
    }
}
