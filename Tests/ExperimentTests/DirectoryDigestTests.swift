import Engine
import Experiment
import Foundation
import Harness
import TestSupport
import Testing

/// A Hugging Face directory's model identity: the sha256 of the listing `sha256sum` prints
/// for its config.json and safetensors files, checkable by hand.
@Suite("Hugging Face directory digest")
struct DirectoryDigestTests {
    @Test("the tiny llama directory's digest is `sha256sum config.json model.safetensors | sha256sum`")
    func matchesShellListing() throws {
        let dir = TinyCheckpoint.directory("llama_gqa")
        let digest = try ModelUnderTest.directoryDigest(
            [dir + "/config.json", dir + "/model.safetensors"], digests: FileDigestCache(directory: nil))
        // Computed with coreutils in ../shared/reference/tiny/llama_gqa.
        #expect(digest == "d06d9339d0d5b63408feacfb4c6c60a87bd5de624c5f265c70ef09a704ce28e7")
        let other = try ModelUnderTest.directoryDigest(
            [dir + "/model.safetensors", dir + "/config.json"], digests: FileDigestCache(directory: nil))
        #expect(other != digest, "the order is part of the identity")
    }
}
