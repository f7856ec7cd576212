// swift-tools-version: 6.1
import class Foundation.ProcessInfo
import PackageDescription

// Layers point down only: maex → Explorer → Training and Pipeline → MAE and Imaging (side by
// side, neither importing the other) → the C layer. MAEReference (tests only) sits on MAE.
let optimise: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "maex",
    products: [
        .executable(name: "maex", targets: ["maex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The TensorBoard Event and Summary messages (code generated once, committed: see Sources/Explorer/Watch/TensorBoard).
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // C layer: system libraries behind small shims.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .target(
            name: "CImageCodecs",
            path: "Sources/CImageCodecs",
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]
        ),

        // Vector kernels (AVX-512, AVX2+FMA, generic; chosen at run time) and a thread pool for the model.
        .target(name: "CKernels", path: "Sources/CKernels", linkerSettings: [.linkedLibrary("openblas"), .linkedLibrary("m")]),

        .target(name: "Imaging", dependencies: ["CImageCodecs"], swiftSettings: optimise),
        .target(name: "MAE", dependencies: ["CBLAS", "CKernels"], swiftSettings: optimise),
        // The MAE in plain Swift, layer by layer: the specification the fast path is tested against.
        .target(name: "MAEReference", dependencies: ["MAE"]),
        // One image and mask through a model to pictures and scores, for every command and view.
        .target(name: "Pipeline", dependencies: ["MAE", "Imaging"], swiftSettings: optimise),
        .target(name: "Training", dependencies: ["MAE", "Imaging"], swiftSettings: optimise),
        .target(name: "Explorer", dependencies: ["CNcurses", "Imaging", "MAE", "Pipeline", "Training",
                                        .product(name: "SwiftProtobuf", package: "swift-protobuf")], swiftSettings: optimise),
        .executableTarget(
            name: "maex",
            dependencies: [
                "Imaging", "MAE", "Pipeline", "Training", "Explorer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimise
        ),

        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], resources: [.copy("Data")]),
        // Test helper: counts the calling thread's heap allocations (replaces malloc and friends).
        .target(name: "CAllocationCounter", path: "Tests/CAllocationCounter"),
        .testTarget(name: "MAETests", dependencies: ["MAE", "MAEReference", "CKernels", "CAllocationCounter"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "MAE", "Imaging", "CAllocationCounter"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "MAE", "Imaging"]),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "Pipeline"]),
        .testTarget(name: "MaexCLITests", dependencies: ["maex"]),
    ]
)

// The fuzz harnesses (`make fuzz`, Tests/Fuzz): libFuzzer executables, each feeding its bytes to
// one parser. They exist only when MAEX_FUZZ is set, so `swift build`, `swift test` and
// `make test` never build them; `make fuzz` builds them in debug, where Swift's overflow and
// bounds checks are on, with -sanitize=fuzzer,address.
if ProcessInfo.processInfo.environment["MAEX_FUZZ"] != nil {
    let harnesses: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzSafeTensors", ["MAE"]), ("FuzzPth", ["MAE"]), ("FuzzUnpickler", ["MAE"]),
        ("FuzzHuggingFaceConfig", ["MAE"]), ("FuzzMaskFile", ["MAE"]),
        ("FuzzPNG", []), ("FuzzJPEG", []),
        ("FuzzRunLog", ["Explorer", "Training"]), ("FuzzTensorBoard", ["Explorer"]), ("FuzzMouse", ["Explorer"]),
    ]
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["MAE", "Imaging"], path: "Tests/Fuzz/Support"))
    for h in harnesses {
        package.targets.append(.executableTarget(name: h.name, dependencies: h.dependencies + ["FuzzSupport"],
                                                 path: "Tests/Fuzz/\(h.name.dropFirst(4))",
                                                 swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
