/// One SGR (mode 1006) mouse report, `ESC [ < b ; x ; y M|m`, with 0-based coordinates.
public struct MouseReport: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case press, drag, release, move, wheelUp, wheelDown
    }

    public var kind: Kind
    /// 0 left, 1 middle, 2 right (3 when no button is held during motion).
    public var button: Int
    public var x: Int
    public var y: Int
    public var shift: Bool
    public var alt: Bool
    public var control: Bool

    public init(kind: Kind, button: Int = 0, x: Int, y: Int, shift: Bool = false, alt: Bool = false,
                control: Bool = false) {
        self.kind = kind
        self.button = button
        self.x = x
        self.y = y
        self.shift = shift
        self.alt = alt
        self.control = control
    }

    /// Parses what follows `ESC [ <`: "b;x;y" and the final M (press or motion) or m (release).
    /// Returns nil for anything else.
    public static func parse(_ body: String) -> MouseReport? {
        guard let final = body.last, final == "M" || final == "m" else { return nil }
        let fields = body.dropLast().split(separator: ";", omittingEmptySubsequences: false)
        guard fields.count == 3, let b = Int(fields[0]), let x = Int(fields[1]), let y = Int(fields[2]),
              b >= 0, x >= 1, y >= 1 else { return nil }
        let button = b & 3
        let kind: Kind
        if b & 64 != 0 {
            guard final == "M" else { return nil }
            kind = button == 0 ? .wheelUp : (button == 1 ? .wheelDown : .move)
        } else if final == "m" {
            kind = .release
        } else if b & 32 != 0 {
            kind = button == 3 ? .move : .drag
        } else {
            kind = .press
        }
        return MouseReport(kind: kind, button: button, x: x - 1, y: y - 1,
                           shift: b & 4 != 0, alt: b & 8 != 0, control: b & 16 != 0)
    }
}

/// Collects the characters of one SGR report after `ESC [ <` as they arrive one at a time.
public struct SGRMouseAccumulator: Sendable {
    public enum Step: Equatable, Sendable {
        case more
        case report(MouseReport)
        case invalid
    }

    private var body = ""

    public init() {}

    public mutating func feed(_ c: Character) -> Step {
        if c == "M" || c == "m" {
            body.append(c)
            defer { body = "" }
            return MouseReport.parse(body).map { .report($0) } ?? .invalid
        }
        guard c.isASCII, c.isNumber || c == ";", body.count < 32 else {
            body = ""
            return .invalid
        }
        body.append(c)
        return .more
    }
}
