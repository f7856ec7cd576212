#!/bin/sh
# Regenerates the Swift code of Protos/*.proto into Sources/Explorer/Watch/TensorBoard. It is
# committed because building swift-protobuf's plugin takes minutes; run this only after editing
# a .proto file. Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift of the same
# swift-protobuf version as Package.swift names:
#   git clone --branch 1.39.0 https://github.com/apple/swift-protobuf && cd swift-protobuf \
#     && swift build --product protoc-gen-swift
#   PROTOC_GEN_SWIFT=$PWD/.build/debug/protoc-gen-swift Protos/generate.sh
set -eu
cd "$(dirname "$0")/.."
plugin=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift)}
protoc --plugin=protoc-gen-swift="$plugin" --proto_path=Protos \
    --swift_opt=Visibility=Internal --swift_out=Sources/Explorer/Watch/TensorBoard Protos/tensorboard_event.proto
