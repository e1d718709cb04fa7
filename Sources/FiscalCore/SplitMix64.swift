/// SplitMix64: a tiny, fast, seedable generator. The sandbox's data, its fault draws and the randomised tests all
/// use it so that the same seed always gives the same month, the same receipt, the same failure to reproduce.
/// Not for anything secret.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (a bound below 1 counts as 1).
    public mutating func below(_ bound: Int64) -> Int64 { Int64(next() % UInt64(max(bound, 1))) }
}
