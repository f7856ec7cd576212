import Foundation

/// Follows a run's TensorBoard scalars: every `events.out.tfevents.*` file in a folder and up to
/// three levels below it (Hugging Face's Trainer writes `output_dir/runs/DATE_HOST/`), read as
/// they grow (TFRecordReader), turned into the points of a loss curve.
///
/// Which tags: `tag` (`--tag`) is the loss, else the first tag seen that contains "loss"
/// (`train_loss`, `train/loss`); the learning rate is the first tag containing "lr" or
/// "learning_rate"; a tag whose last part is "epoch" (`train/epoch`) gives the epoch. The
/// authors' main_pretrain.py logs `train_loss` and `lr` alone, against epoch × 1000
/// (`epoch_1000x`): for exactly those tags the epoch is the step / 1000.
///
/// Writers log each tag of a step as an event of its own, so a step becomes a point once a later
/// step appears or the files have stopped growing. Files are read in name order (their names
/// start with the time they were begun), and a step no later than one already shown is dropped:
/// a resumed run's new file repeats no point. Memory: the points are handed out; only the tags of
/// the steps not yet complete are kept.
public final class TensorBoardFollower {
    public struct Update: Sendable {
        public var points: [MetricPoint] = []
        /// A file was truncated or replaced: the curve starts over.
        public var restarted = false
    }

    public static let filePrefix = "events.out.tfevents."
    public static let searchDepth = 3
    /// The most event files followed (a run writes one per launch).
    public static let maximumFiles = 256
    /// The most distinct tags kept: a run logs tens. Scalars of later tags are skipped (and
    /// said so), so that a file of a million tags cannot make each new one cost a million.
    public static let maximumTags = 1000
    /// The most steps waiting for their other tags. Steps arrive in order; a file whose steps
    /// run backwards would otherwise keep every one: past this many, the oldest become points.
    public static let maximumPendingSteps = 4096

    public let folder: String
    /// `--tag`: the loss curve's tag.
    public let requestedTag: String?
    public private(set) var lossTag: String?
    public private(set) var lrTag: String?
    public private(set) var epochTag: String?
    /// Every tag seen, in order.
    public private(set) var tags: [String] = []
    /// Records skipped for a failed CRC or an unreadable Event, in all files.
    public private(set) var badRecords = 0
    /// The last framing damage a file reported (the rest of that file is skipped).
    public private(set) var damage: String?

    private var readers: [TFRecordReader] = []
    private var lastScan: Double?
    private var pending: [Int64: [String: Double]] = [:]
    private var pendingWall: [Int64: Double] = [:]
    private var lastEmitted: Int64?
    /// The first event's wall time: points carry seconds since then, for the ETA.
    private var firstWall: Double?

    public init(folder: String, tag: String? = nil) {
        self.folder = folder
        self.requestedTag = tag
    }

    /// Whether any event file has been found.
    public var exists: Bool { !readers.isEmpty }

    /// The event files under `folder`, at most `searchDepth` levels down, sorted by path.
    public static func eventFiles(in folder: String) -> [String] {
        var found: [String] = []
        func walk(_ dir: String, depth: Int) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
            for name in names.sorted() where !name.hasPrefix(".") {
                let path = (dir as NSString).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    if depth < searchDepth { walk(path, depth: depth + 1) }
                } else if name.hasPrefix(filePrefix), found.count < maximumFiles {
                    found.append(path)
                }
            }
        }
        walk(folder, depth: 0)
        return found.sorted()
    }

    public func poll(now: Double = Date().timeIntervalSince1970) -> Update {
        var update = Update()
        // New files appear rarely: look for them every two seconds, not every poll.
        if lastScan.map({ now - $0 >= 2 }) ?? true {
            lastScan = now
            let known = Set(readers.map(\.path))
            let all = Self.eventFiles(in: folder)
            let added = all.filter { !known.contains($0) }
            if !added.isEmpty {
                readers = (readers + added.map { TFRecordReader(path: $0) }).sorted { $0.path < $1.path }
            }
        }
        var grew = false
        for reader in readers {
            let u = reader.poll()
            if u.restarted {
                update.restarted = true
                pending.removeAll()
                pendingWall.removeAll()
                lastEmitted = nil
                firstWall = nil
            }
            badRecords += u.badRecords
            if let d = u.damage { damage = "\((reader.path as NSString).lastPathComponent): \(d)" }
            grew = grew || !u.records.isEmpty
            for record in u.records {
                guard let scalars = TensorBoardEvent.scalars(record) else {
                    badRecords += 1
                    continue
                }
                for s in scalars { take(s, into: &update) }
            }
        }
        // The files stopped growing: the newest step has every tag it will get.
        if !grew { flush(through: .max, into: &update) }
        return update
    }

    private func take(_ s: TensorBoardScalar, into update: inout Update) {
        if !tags.contains(s.tag) {
            guard tags.count < Self.maximumTags else {
                damage = "more than \(Self.maximumTags) tags: the scalars of the others are skipped"
                return
            }
            tags.append(s.tag)
            chooseTags()
        }
        if let last = lastEmitted, s.step <= last { return }
        // A later step completes the earlier ones (none is before Int64.min).
        let (previous, first) = s.step.subtractingReportingOverflow(1)
        if !first { flush(through: previous, into: &update) }
        pending[s.step, default: [:]][s.tag] = s.value
        pendingWall[s.step] = s.wallTime
        if firstWall == nil { firstWall = s.wallTime }
        if pending.count > Self.maximumPendingSteps, let oldest = pending.keys.min() {
            flush(through: oldest, into: &update)
        }
    }

    private func chooseTags() {
        func lower(_ t: String) -> String { t.lowercased() }
        if lossTag == nil {
            lossTag = requestedTag.flatMap { r in tags.contains(r) ? r : nil }
                ?? (requestedTag == nil ? tags.first { lower($0).contains("loss") } : nil)
        }
        if lrTag == nil {
            lrTag = tags.first { t in
                let l = lower(t), last = l.split(separator: "/").last.map(String.init) ?? l
                return l.contains("learning_rate") || last == "lr" || last.hasPrefix("lr_") || last.hasSuffix("_lr")
            }
        }
        if epochTag == nil { epochTag = tags.first { lower($0).split(separator: "/").last == "epoch" } }
    }

    /// The authors' SummaryWriter: `train_loss` and `lr` against epoch × 1000.
    public var stepIsEpoch1000: Bool { Set(tags) == ["train_loss", "lr"] }

    private func flush(through step: Int64, into update: inout Update) {
        let ready = pending.keys.filter { $0 <= step }.sorted()
        for s in ready {
            let values = pending.removeValue(forKey: s) ?? [:]
            let wall = pendingWall.removeValue(forKey: s)
            guard let lossTag, let loss = values[lossTag], let step = Int(exactly: s) else { continue }
            var epoch = epochTag.flatMap { values[$0] }
            if epoch == nil && stepIsEpoch1000 { epoch = Double(s) / 1000 }
            update.points.append(MetricPoint(step: step, epoch: epoch, loss: loss, lr: lrTag.flatMap { values[$0] },
                                             wallTime: wall.map { $0 - (firstWall ?? $0) }, time: wall))
            lastEmitted = s
        }
    }
}
