import Explorer

/// What the terminal sends after `ESC [ <`, one character at a time into the SGR mouse report
/// accumulator, as CursesBackend feeds it. A report has a cell at or after the origin and a
/// button of 0 to 3, and parsing the same body whole agrees with it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMouse(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var accumulator = SGRMouseAccumulator()
    var body = ""
    for c in text {
        body.append(c)
        switch accumulator.feed(c) {
        case .more: continue
        case .report(let r):
            precondition(r.x >= 0 && r.y >= 0 && (0...3).contains(r.button), "\(r)")
            precondition(MouseReport.parse(body) == r, "\(body) parsed whole differs")
            body = ""
        case .invalid: body = ""
        }
    }
    _ = MouseReport.parse(text)
    return 0
}
