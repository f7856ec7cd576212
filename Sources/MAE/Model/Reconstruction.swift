/// What the explorer shows for one image and one mask (all images [C, S, S] in normalised space).
public struct Reconstruction: Sendable {
    /// The decoder's prediction for every patch, unpatchified. For a norm-pix model each patch is
    /// de-normalised with the original patch's own mean and std (then leaksMaskedStatistics).
    public var prediction: [Float]
    /// Visible patches from the input, masked ones from `prediction` (the authors' "reconstruction
    /// + visible": x·(1 − mask) + pred·mask).
    public var pasted: [Float]
    public var mask: PatchMask
    /// The model's own loss over the masked patches (NaN if none is masked).
    public var loss: Float
    /// Mean squared error of `prediction` over the masked pixels, in normalised image space (NaN if
    /// none is masked).
    public var maskedMSE: Float
    /// True when the prediction used statistics of the masked patches (norm-pix models).
    public var leaksMaskedStatistics: Bool
    /// Wall time of the call.
    public var seconds: Double

    public init(prediction: [Float], pasted: [Float], mask: PatchMask, loss: Float, maskedMSE: Float,
                leaksMaskedStatistics: Bool, seconds: Double) {
        self.prediction = prediction
        self.pasted = pasted
        self.mask = mask
        self.loss = loss
        self.maskedMSE = maskedMSE
        self.leaksMaskedStatistics = leaksMaskedStatistics
        self.seconds = seconds
    }
}
