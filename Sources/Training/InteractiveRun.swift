import Foundation

/// A run started from the explorer (key `T`): where its folder goes when none is given, the
/// images it trains on, and a recipe that shows progress within minutes.
public enum InteractiveRun {
    /// The bundled model card's recipe (Assets/models/README.md: lr 2e-3, crops from 5% of the
    /// area, channel shuffle, saturation ±1, 10% grey, 75% random masks), for 3,000 steps of 64
    /// images: about 15 minutes of the tiny model on two cores, with the curve bending within
    /// the first minute. Saves every 500 steps and every 2 minutes, logs every 10 steps.
    ///
    /// `trained`: the weights are a trained model's, which continues at a tenth of the peak
    /// rate (2e-4): at 2e-3 the bundled model's loss on its own images rose from 0.34 to 0.40 in
    /// the first 270 steps, shaken out of the minimum it had reached; at 2e-4 it fell from 0.348
    /// to 0.333 by step 220.
    public static func recipe(trained: Bool) -> TrainingOptions {
        var o = TrainingOptions()
        o.steps = 3000
        o.lr = trained ? 2e-4 : 2e-3
        o.cropScaleMin = 0.05
        o.channelShuffle = true
        o.saturation = 1.0
        o.greyProbability = 0.1
        o.saveEveryMinutes = 2
        return o
    }

    /// A new folder for a run under `$XDG_STATE_HOME/maex/runs/`, else
    /// `~/.local/state/maex/runs/`, named by the local date and time ("2026-12-02-093015"; a
    /// "-2", "-3" … suffix when that exists).
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment,
                                     now: Date = Date()) -> String {
        let state: String
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            state = xdg  // the spec: a relative value is invalid and ignored
        } else {
            state = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        }
        var t = time_t(now.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        let name = String(format: "%04d-%02d-%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                          parts.tm_hour, parts.tm_min, parts.tm_sec)
        let base = state + "/maex/runs/" + name
        var candidate = base, n = 1
        while FileManager.default.fileExists(atPath: candidate) {
            n += 1
            candidate = base + "-\(n)"
        }
        return candidate
    }

    /// Copies `files` into `RUN/data/` (numbered, so two images of the same name both stay and
    /// the order is kept) and returns that folder: the run then resumes from the same images
    /// with `maex train --resume`, whatever happens to the originals. Files that cannot be
    /// copied are left out; none copied is an error naming the first file.
    public static func copyImages(_ files: [String], into run: RunDirectory) throws(RunError) -> String {
        let folder = run.path + "/data"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .io(path: folder, reason: "cannot create it: \(RunDirectory.reason(error))")
        }
        var copied = 0, firstFailure: (path: String, reason: String)?
        for (i, file) in files.enumerated() {
            let name = (file as NSString).lastPathComponent
            let target = folder + String(format: "/%04d-", i + 1) + name
            do {
                if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
                try FileManager.default.copyItem(atPath: file, toPath: target)
                copied += 1
            } catch {
                if firstFailure == nil { firstFailure = (file, RunDirectory.reason(error)) }
            }
        }
        if copied == 0 {
            let f = firstFailure ?? (path: folder, reason: "no images to copy")
            throw .io(path: f.path, reason: "cannot copy it into the run: \(f.reason)")
        }
        return folder
    }
}
