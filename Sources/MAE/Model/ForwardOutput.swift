/// The outputs of the authors' `forward(imgs, mask_ratio)`, for a batch of N images.
public struct ForwardOutput: Sendable {
    public var batch: Int
    /// Encoder tokens per image, 1 + len_keep.
    public var tokens: Int
    /// [N, 1 + len_keep, D]: the encoder's final norm, class token first, kept patches in noise order.
    public var latent: [Float]
    /// [N, L, P]: the decoder's prediction per patch, (i·p + j)·C + c within a patch.
    public var pred: [Float]
    /// [N, L]: 1 = removed, 0 = kept.
    public var mask: [Float]
    /// [N, L]: argsort of argsort(noise).
    public var idsRestore: [Int]
    public var loss: Float
}
