/// How long the encoder takes on one image: the MAE's point that encoding only the visible
/// patches is cheap (the paper's Table 2 saves 2.8×–4.1× of training time this way).
extension MAEModel {
    /// The median wall time, in seconds, of `repeats` encoder passes over `mask`'s visible
    /// patches of image [C, S, S] (normalised), after one untimed pass that sizes the workspace.
    public func encoderSeconds(image: [Float], mask: PatchMask, repeats: Int = 7) -> Double {
        let c = config
        precondition(image.count == c.inChans * c.imgSize * c.imgSize, "encoderSeconds: image has \(image.count) values")
        precondition(mask.count == c.numPatches, "encoderSeconds: mask has \(mask.count) patches")
        let ws = explicitWorkspace(mask: mask)
        var times: [Double] = []
        image.withUnsafeBufferPointer { image in
            PassThreads.begin()
            defer { PassThreads.end() }
            encoderForward(ws, images: image.baseAddress!, training: false)
            for _ in 0..<max(1, repeats) {
                let start = ContinuousClock.now
                encoderForward(ws, images: image.baseAddress!, training: false)
                let d = start.duration(to: .now).components
                times.append(Double(d.seconds) + Double(d.attoseconds) * 1e-18)
            }
        }
        return times.sorted()[times.count / 2]
    }
}
