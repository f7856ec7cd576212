import ArgumentParser
import Foundation
import Training

/// `maex collect`: a training folder from image packages (wallpapers, photo collections).
struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Gather the photographs of image packages into a training folder, each shrunk once.",
        discussion: """
            Reads the files named on the command line (folders are searched recursively) and in \
            --list files (one path per line, `-` for stdin, as `dpkg -L PACKAGE` prints; folders \
            in a list are passed over). Of the sizes shipped of one picture (a KDE wallpaper's \
            contents/images/WIDTHxHEIGHT files, or Name_WIDTHxHEIGHT beside Name) the largest is \
            taken. A file is skipped, with the reason, when it is an SVG, a format maex does not \
            decode (WebP, GIF, ...), a preview screenshot, undecodable, smaller than --min-side on \
            its shorter side (an icon), or more than half one flat colour (a logo or pattern). A \
            picture that looks like one already taken (the same 16 × 16 thumbnail within 3%) is \
            dropped as a duplicate; --keep files come first and pass every check but decoding.

            Each photograph is shrunk (bicubic) so that its shorter side is --side pixels and written \
            to --out as PNG, with sources.tsv naming each file's original and the content hash of \
            its pixels. The folder is built beside itself and replaces --out only when complete.
            """)

    @Argument(help: ArgumentHelp("Image files or folders to screen.", valueName: "path"))
    var paths: [String] = []

    @Option(name: .customLong("list"), help: ArgumentHelp("A file listing paths to screen, one a line (- for stdin); repeatable.",
                                                          valueName: "file"))
    var lists: [String] = []

    @Option(name: .customLong("keep"), help: ArgumentHelp("An image or folder taken without the photograph checks; repeatable.",
                                                          valueName: "path"))
    var kept: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("The folder to write (replaced when the collection is complete).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Shorter side of the collected copies, in pixels.", valueName: "px"))
    var side = 256

    @Option(name: .customLong("min-side"), help: ArgumentHelp("Skip originals whose shorter side is smaller (icons).", valueName: "px"))
    var minSide = 256

    @Flag(name: .shortAndLong, help: "Also list every file taken and every smaller size passed over.")
    var verbose = false

    func validate() throws {
        if paths.isEmpty && lists.isEmpty && kept.isEmpty { throw ValidationError("give images or folders, --list or --keep") }
        if !(16...4096).contains(side) { throw ValidationError("--side must be between 16 and 4096, got \(side)") }
        if minSide < 1 { throw ValidationError("--min-side must be 1 or more, got \(minSide)") }
    }

    func run() throws {
        try CommandSupport.run {
            let candidates = try paths.flatMap(Self.expand) + lists.flatMap(Self.readList)
            let keptFiles = try kept.flatMap(Self.expand)
            var counts = (taken: 0, skipped: 0, duplicates: 0, smaller: 0)
            let collector = PhotoCollector(shorterSide: side, minShorterSide: minSide)
            let manifest = try collector.collect(kept: keptFiles, candidates: candidates, into: out) { event in
                switch event {
                case .taken(let e):
                    counts.taken += 1
                    if verbose { print("took \(e.source) (\(e.width)×\(e.height)) as \(e.file)") }
                case .skipped(let path, let reason):
                    counts.skipped += 1
                    print("skipped \(path): \(reason)")
                case .duplicate(let path, let of):
                    counts.duplicates += 1
                    print("skipped \(path): a copy of \(of), already taken")
                case .smallerSize(let path, let largest):
                    counts.smaller += 1
                    if verbose { print("passed over \(path): a smaller size of \(largest)") }
                }
            }
            print("collected \(manifest.entries.count) photographs into \(out) (shorter side \(side) px); "
                  + "skipped \(counts.skipped), \(counts.duplicates) duplicate\(counts.duplicates == 1 ? "" : "s"), "
                  + "\(counts.smaller) smaller size\(counts.smaller == 1 ? "" : "s") of pictures taken")
        }
    }

    /// A file as itself; a folder as every file below it, sorted.
    static func expand(_ path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandSupport.fail("\(path): no such file or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else { throw CommandSupport.fail("\(path): cannot list the folder") }
        let base = path.hasSuffix("/") ? path : path + "/"
        return walker.compactMap { $0 as? String }.sorted().map { base + $0 }.filter { file in
            var dir: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &dir) && !dir.boolValue
        }
    }

    /// The regular files a list names, in its order.
    static func readList(_ list: String) throws -> [String] {
        let data: Data?
        if list == "-" { data = FileHandle.standardInput.readDataToEndOfFile() } else { data = FileManager.default.contents(atPath: list) }
        guard let data else { throw CommandSupport.fail("\(list): cannot read the list") }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { path in
            var dir: ObjCBool = false
            return !path.isEmpty && FileManager.default.fileExists(atPath: path, isDirectory: &dir) && !dir.boolValue
        }
    }
}
