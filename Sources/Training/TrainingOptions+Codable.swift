/// config.json's "training" object, read and written through `TrainingOptions.fields`. A key
/// the file lacks (a run made before that option existed) keeps the option's default, which is
/// what such a run did; a nil optional is left out, as it always was.
extension TrainingOptions: Codable {
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: Field.Key.self)
        for field in Self.fields { try field.read(&self, container) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Field.Key.self)
        for field in Self.fields { try field.write(self, &container) }
    }
}

extension TrainingOptions {
    /// One option as config.json holds it: its key there and its property. Equal fields have
    /// equal keys.
    public struct Field: Hashable, Sendable, CustomStringConvertible {
        /// The key in config.json.
        public let key: String
        /// The property, so that a caller can name the option in its own words (maex: its flag).
        public let path: PartialKeyPath<TrainingOptions> & Sendable
        let read: @Sendable (inout TrainingOptions, KeyedDecodingContainer<Key>) throws -> Void
        let write: @Sendable (TrainingOptions, inout KeyedEncodingContainer<Key>) throws -> Void
        let same: @Sendable (TrainingOptions, TrainingOptions) -> Bool

        init<V: Codable & Equatable & Sendable>(_ key: String, _ path: WritableKeyPath<TrainingOptions, V> & Sendable) {
            self.key = key
            self.path = path
            read = { o, c in if let v = try c.decodeIfPresent(V.self, forKey: Key(key)) { o[keyPath: path] = v } }
            write = { o, c in try c.encode(o[keyPath: path], forKey: Key(key)) }
            same = { $0[keyPath: path] == $1[keyPath: path] }
        }

        /// An option that may be unset: nil is written as no key (not null) and read back from one.
        init<V: Codable & Equatable & Sendable>(_ key: String, _ path: WritableKeyPath<TrainingOptions, V?> & Sendable) {
            self.key = key
            self.path = path
            read = { o, c in if let v = try c.decodeIfPresent(V.self, forKey: Key(key)) { o[keyPath: path] = v } }
            write = { o, c in try c.encodeIfPresent(o[keyPath: path], forKey: Key(key)) }
            same = { $0[keyPath: path] == $1[keyPath: path] }
        }

        public static func == (a: Field, b: Field) -> Bool { a.key == b.key }
        public func hash(into hasher: inout Hasher) { hasher.combine(key) }
        public var description: String { key }

        struct Key: CodingKey {
            let stringValue: String
            init(_ key: String) { stringValue = key }
            init?(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
    }
}
