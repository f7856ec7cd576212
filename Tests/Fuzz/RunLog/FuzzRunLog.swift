import Explorer
import FuzzSupport
import Training

/// A run's log as watch and resume read it: maex's metrics.jsonl or the authors' log.txt,
/// followed as a growing file (LogFollower), each line parsed (RunLogParser), and the lines a
/// resume keeps (MetricsLog.lines).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunLog(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let path = FuzzFiles.write(bytes, named: "metrics.jsonl")
    let follower = LogFollower(path: path)
    for line in follower.poll().lines { _ = RunLogParser.parse(line) }
    let text = String(decoding: bytes, as: UTF8.self)
    _ = RunLogParser.events(in: text)
    _ = MetricsLog.lines(of: text, upToStep: 100)
    return 0
}
