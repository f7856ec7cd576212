/// The Masked Autoencoder of He et al. (2021), computed on the CPU.
public enum MAEModule {}
