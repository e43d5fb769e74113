import CGSL

/// One named, independently seeded GSL generator: L'Ecuyer's maximally equidistributed combined
/// Tausworthe generator `taus2` (period 2^88, three words of state). A day creates a stream per purpose
/// (hundreds for a county hall) and many draw only a few numbers: MT19937's 624-word seeding and first
/// twist were 36 % of a planner's time; taus2 seeds in a few operations and draws as fast.
///
/// A simulation owns one stream per purpose (arrivals of a profile, service of an item, patience…), so
/// that changing one part of a scenario does not shift the numbers another part sees (common random
/// numbers). Streams are never global and never shared between threads.
public final class RandomStream {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
    /// The 64-bit seed this stream was derived from (see `StreamSeed`).
    public let seed: UInt64

    public init(seed: UInt64) {
        guard let r = gsl_rng_alloc(hallsim_rng_taus2()) else { fatalError("gsl_rng_alloc failed") }
        rng = r
        self.seed = seed
        // taus2 in GSL takes a 32-bit seed: fold the 64 bits so that both halves matter.
        gsl_rng_set(r, UInt((seed ^ (seed >> 32)) & 0xFFFF_FFFF))
    }

    /// A stream seeded from (run seed, replication, stream name).
    public convenience init(seed: UInt64, replication: Int, name: String) {
        self.init(seed: StreamSeed.derive(seed: seed, replication: replication, stream: name))
    }

    deinit { gsl_rng_free(rng) }

    /// A non-owning view for hot loops: copying it costs nothing (no reference counting). Valid only
    /// while this stream is alive; the owner must keep the `RandomStream`.
    public var handle: Handle { Handle(rng: rng) }

    /// Uniform on the open interval (0, 1).
    @inline(__always) public func uniform() -> Double { handle.uniform() }
    /// Uniform integer in 0..<n (n ≥ 1).
    @inline(__always) public func uniformInt(_ n: Int) -> Int { handle.uniformInt(n) }
    /// A whole number uniform on `range` (one draw, as `uniformInt(range.count)`).
    @inline(__always) public func uniformInt(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + handle.uniformInt(range.count)
    }
    @inline(__always) public func exponential(mean: Double) -> Double { handle.exponential(mean: mean) }

    /// Sampling functions of a stream, through GSL.
    public struct Handle {
        @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
        @usableFromInline init(rng: UnsafeMutablePointer<gsl_rng>) { self.rng = rng }

        @inline(__always) public func uniform() -> Double { gsl_rng_uniform_pos(rng) }
        @inline(__always) public func uniformInt(_ n: Int) -> Int { Int(gsl_rng_uniform_int(rng, UInt(n))) }
        @inline(__always) public func exponential(mean: Double) -> Double { gsl_ran_exponential(rng, mean) }
        @inline(__always) public func lognormal(zeta: Double, sigma: Double) -> Double {
            gsl_ran_lognormal(rng, zeta, sigma)
        }
        @inline(__always) public func gamma(shape: Double, scale: Double) -> Double { gsl_ran_gamma(rng, shape, scale) }
        @inline(__always) public func gaussian(mean: Double, sd: Double) -> Double {
            mean + gsl_ran_gaussian_ziggurat(rng, sd)
        }
        @inline(__always) public func flat(_ a: Double, _ b: Double) -> Double { gsl_ran_flat(rng, a, b) }
    }
}

/// Derivation of stream seeds: SplitMix64 over (seed, replication, FNV-1a of the stream name).
/// Stable across runs, platforms and thread counts (Swift's `Hasher` is randomly seeded, so not used).
public enum StreamSeed {
    public static func derive(seed: UInt64, replication: Int, stream: String) -> UInt64 {
        var h = splitMix(seed &+ 0x9E37_79B9_7F4A_7C15)
        h = splitMix(h ^ UInt64(bitPattern: Int64(replication)))
        h = splitMix(h ^ fnv1a(stream))
        return h
    }

    public static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    public static func splitMix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
