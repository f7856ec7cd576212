import Testing
@testable import Explorer

@Suite struct ReducerTests {
    let r = Fixture.reducer

    func requests(_ effects: [ExplorerEffect]) -> [ReconstructionRequest] {
        effects.compactMap { if case .reconstruct(let q) = $0 { q } else { nil } }
    }

    @Test func startAsksForTheFirstImage() {
        var s = ExplorerState(model: Fixture.tiny, images: [ImageEntry(path: "/a/b.png")], ratio: 0.5, seed: 4)
        let q = requests(r.start(&s))
        #expect(q.count == 1 && q[0].path == "/a/b.png" && q[0].masks == [s.mask])
        #expect(s.mask == Fixture.makeMask(.random, 0.5, 8, 4))
        #expect(s.computing)
        #expect(s.currentImage?.name == "b.png")
    }

    @Test func ratioKeys() {
        var s = Fixture.shownState()
        let q = requests(r.reduce(&s, .key(.character("9"))))
        #expect(s.ratio == 0.9 && q.count == 1)
        #expect(s.mask.filter { $0 }.count == 58)  // round(0.9 · 64)
        #expect(ScreenRenderer.render(s).text.contains("ratio 90%"))
        _ = r.reduce(&s, .key(.character("+")))
        #expect(abs(s.ratio - 0.95) < 1e-12)
        _ = r.reduce(&s, .key(.character("+")))
        #expect(abs(s.ratio - 0.95) < 1e-12)
        _ = r.reduce(&s, .key(.character("1")))
        _ = r.reduce(&s, .key(.character("-")))
        _ = r.reduce(&s, .key(.character("-")))
        _ = r.reduce(&s, .key(.character("-")))
        #expect(s.ratio == 0)
        #expect(s.actualRatio == 0)
    }

    @Test func patternKeys() {
        var s = Fixture.shownState()
        _ = r.reduce(&s, .key(.character("r")))
        #expect(s.seed == 1 && s.pattern == .random && s.mask == Fixture.makeMask(.random, 0.75, 8, 1))
        _ = r.reduce(&s, .key(.character("b")))
        #expect(s.pattern == .block && s.mask == Fixture.makeMask(.block, 0.75, 8, 1))
        _ = r.reduce(&s, .key(.character("g")))
        #expect(s.pattern == .grid)
        let before = s.mask
        _ = r.reduce(&s, .key(.character("i")))
        #expect(s.mask == before.map { !$0 } && s.pattern == nil)
        _ = r.reduce(&s, .key(.character("c")))
        #expect(!s.mask.contains(true))
        // A key that changes nothing asks for nothing and records no undo step.
        let steps = s.history.count
        #expect(requests(r.reduce(&s, .key(.character("c")))).isEmpty)
        #expect(s.history.count == steps)
    }

    @Test func imagesWrapAround() {
        var s = Fixture.shownState()
        #expect(requests(r.reduce(&s, .key(.character("[")))).first?.path == "/images/img2.png")
        #expect(s.imageIndex == 2 && s.original == nil)
        _ = r.reduce(&s, .key(.character("]")))
        #expect(s.imageIndex == 0)
    }

    @Test func failedImageShowsItsErrorAndMovesOn() {
        var s = Fixture.state()
        let failure = ReconstructionOutcome(id: s.lastRequestID, imageIndex: 0,
                                            result: .failure(ExplorerError("/images/img0.png: not a PNG or JPEG file")))
        let q = requests(r.reduce(&s, .reconstructed(failure)))
        #expect(s.imageIndex == 1 && q.first?.imageIndex == 1)
        #expect(s.message?.contains("not a PNG or JPEG") == true)
        #expect(s.images[0].failure != nil)
        // Going back skips the failed image.
        _ = r.reduce(&s, .reconstructed(Fixture.answer(s)))
        _ = r.reduce(&s, .key(.character("[")))
        #expect(s.imageIndex == 2)
    }

    @Test func everyImageFailing() {
        var s = Fixture.state(images: 2)
        for _ in 0..<2 {
            _ = r.reduce(&s, .reconstructed(ReconstructionOutcome(id: s.lastRequestID, imageIndex: s.imageIndex,
                                                                   result: .failure(ExplorerError("bad")))))
        }
        #expect(s.message?.hasPrefix("no image could be read") == true)
        #expect(!s.computing)
        _ = ScreenRenderer.render(s)
    }

    /// During a drag every newer answer is shown; an answer older than the one on screen is not.
    @Test func newerAnswersReplaceOlderOnes() {
        var s = Fixture.shownState()
        _ = r.reduce(&s, .key(.character("r")))
        let first = Fixture.answer(s, psnr: 10)
        _ = r.reduce(&s, .key(.character("r")))
        let second = Fixture.answer(s, psnr: 20)
        _ = r.reduce(&s, .reconstructed(second))
        #expect(s.shownPanels?.psnr == 20 && !s.computing)
        _ = r.reduce(&s, .reconstructed(first))
        #expect(s.shownPanels?.psnr == 20)
    }

    @Test func compareModeAsksForFourRatios() {
        var s = Fixture.shownState()
        let q = requests(r.reduce(&s, .key(.character("v"))))
        #expect(q.first?.masks.count == 4 && q.first?.compareRatios == [0.25, 0.5, 0.75, 0.9])
        #expect(q.first?.masks[3] == Fixture.makeMask(.random, 0.9, 8, 0))
        #expect(s.shown == nil)
        _ = r.reduce(&s, .key(.escape))
        #expect(!s.compare)
    }

    @Test func exportNamesTheFileFromImageRatioAndSeed() {
        var s = Fixture.shownState()
        let effects = r.reduce(&s, .key(.character("e")))
        guard case .export(let job)? = effects.first else { Issue.record("no export"); return }
        #expect(job.fileName == "img0-random75-seed0.png")
        _ = r.reduce(&s, .exported(.success("/tmp/img0-random75-seed0.png")))
        #expect(s.message == "wrote /tmp/img0-random75-seed0.png")
    }

    @Test func viewKeys() {
        var s = Fixture.shownState()
        for (key, check) in [("h", { (s: ExplorerState) in s.showHeatmap }), ("#", { $0.showGrid }), ("?", { $0.showHelp })] {
            _ = r.reduce(&s, .key(.character(Character(key))))
            #expect(check(s), "\(key)")
        }
        _ = r.reduce(&s, .key(.character("x")))  // closes the help
        #expect(!s.showHelp && s.showHeatmap)
        _ = r.reduce(&s, .key(.tab))
        #expect(s.focus == 1)
        _ = r.reduce(&s, .key(.backTab))
        _ = r.reduce(&s, .key(.backTab))
        #expect(s.focus == 3)
        if case .redrawAll? = r.reduce(&s, .key(.redraw)).first {} else { Issue.record("Ctrl-L") }
        _ = r.reduce(&s, .key(.character("q")))
        #expect(s.quit)
    }
}
