using System.Numerics;
using CsCheck;
using Exchange.Pricing;

namespace Exchange.Tests.Pricing;

public sealed class RealisedVolatilityTests
{
    private static readonly VolatilityPolicy Seconds = new(1_000, 940_000, 60);

    private static VolatilityState Walk(VolatilityPolicy policy, IEnumerable<(long Price, long At)> path) =>
        path.Aggregate(default(VolatilityState), (state, p) => RealisedVolatility.Observe(policy, state, p.Price, p.At));

    [Fact]
    public void Returns_are_sampled_once_per_interval_and_averaged_by_hand()
    {
        var state = RealisedVolatility.Observe(Seconds, default, 1_000_000, 1_500);
        Assert.Equal(new VolatilityState(1_000, 1_000_000, 0, 0), state); // aligned down to the interval

        state = RealisedVolatility.Observe(Seconds, state, 1_500_000, 1_999); // inside the interval: ignored
        Assert.Equal(new VolatilityState(1_000, 1_000_000, 0, 0), state);

        // +1% = 10_000 ppm; the first return seeds the variance with its square.
        state = RealisedVolatility.Observe(Seconds, state, 1_010_000, 2_000);
        Assert.Equal(new VolatilityState(2_000, 1_010_000, 100_000_000, 1), state);

        // +2%: 0.94 x 1e8 + 0.06 x 4e8 = 1.18e8; sigma = floor(sqrt(1.18e8)) = 10_862.
        state = RealisedVolatility.Observe(Seconds, state, 1_030_200, 3_250);
        Assert.Equal(new VolatilityState(3_000, 1_030_200, 118_000_000, 2), state);
        Assert.Equal(10_862, RealisedVolatility.SigmaPpm(state));

        // Seven silent intervals, then the same price: one return of 0, not eight.
        state = RealisedVolatility.Observe(Seconds, state, 1_030_200, 11_000);
        Assert.Equal(new VolatilityState(11_000, 1_030_200, 110_920_000, 3), state);
    }

    [Fact]
    public void Returns_and_variance_round_half_to_even()
    {
        // 1 -> 3: +2_000_000 ppm. Then 3 -> 4: 333_333.33 ppm -> 333_333; var = 0.5 x 4e12 + 0.5 x 333_333^2 =
        // 2e12 + 55_555_444_444.5 -> 2_055_555_444_444 (the .5 goes to the even neighbour).
        var half = new VolatilityPolicy(1_000, 500_000, 1);
        var state = Walk(half, [(1, 0), (3, 1_000), (4, 2_000)]);
        Assert.Equal(2_055_555_444_444, state.VariancePpm2);
    }

    [Fact]
    public void A_thousandfold_move_is_the_largest_return_counted()
    {
        var state = Walk(Seconds, [(1, 0), (1_000_000_000_000, 1_000)]);
        Assert.Equal(1_000_000_000L * 1_000_000_000, state.VariancePpm2);
        Assert.Equal(1_000_000_000, RealisedVolatility.SigmaPpm(state));
    }

    [Fact]
    public void The_horizon_sigma_is_unknown_until_ten_returns()
    {
        // Prices alternate 1_000_000 / 1_010_000; after n returns the horizon sigma needs all n.
        var path = Enumerable.Range(0, 11).Select(i => (i % 2 == 0 ? 1_000_000L : 1_010_000L, i * 1_000L)).ToArray();
        Assert.Equal(-1, RealisedVolatility.HorizonSigmaPpm(Seconds, Walk(Seconds, path[..10])));
        Assert.NotEqual(-1, RealisedVolatility.HorizonSigmaPpm(Seconds, Walk(Seconds, path)));

        // sqrt(1e8 x 60) = 77_459.67 -> 77_459
        Assert.Equal(77_459, RealisedVolatility.HorizonSigmaPpm(Seconds, new VolatilityState(0, 1, 100_000_000, 10)));
        Assert.Equal(-1, RealisedVolatility.HorizonSigmaPpm(Seconds, new VolatilityState(0, 1, 100_000_000, 9)));
    }

    private static readonly Gen<(long Price, long At)[]> Paths =
        Gen.Select(Gen.Long[1, 1_000_000_000_000], Gen.Long[0, 1_000_000]).SelectMany(start =>
            Gen.Select(Gen.Int[-300, 300], Gen.Long[1, 5_000]).Array[1, 60].Select(steps =>
            {
                var (price, at) = start;
                var path = new List<(long, long)> { (price, at) };
                foreach (var (movePermille, gap) in steps)
                {
                    price = Math.Max(1, price + price * movePermille / 1_000);
                    at += gap;
                    path.Add((price, at));
                }
                return path.ToArray();
            }));

    [Fact]
    public void Volatility_is_a_function_of_the_sampled_path_alone()
    {
        // The same path gives the same state, and so does a path with extra prices strictly inside an interval (a
        // tick that lands mid-interval), or the path resumed from a state taken half-way (the state is complete).
        Gen.Select(Paths, Gen.Long[0, 999_999]).Sample((path, noise) =>
        {
            var state = Walk(Seconds, path);
            Assert.Equal(state, Walk(Seconds, path));

            var noisy = new List<(long, long)>();
            var current = default(VolatilityState);
            foreach (var point in path)
            {
                current = RealisedVolatility.Observe(Seconds, current, point.Price, point.At);
                noisy.Add(point);
                var inside = current.IntervalStart + Seconds.IntervalMs - 1;
                if (inside > point.At) noisy.Add((1 + noise, inside));
            }
            Assert.Equal(state, Walk(Seconds, noisy));

            var half = path.Length / 2;
            Assert.Equal(state, path[half..].Aggregate(Walk(Seconds, path[..half]), (s, p) => RealisedVolatility.Observe(Seconds, s, p.Price, p.At)));
        }, iter: 2_000);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("1", "1")]
    [InlineData("3", "1")]
    [InlineData("4", "2")]
    [InlineData("15", "3")]
    [InlineData("16", "4")]
    [InlineData("118000000", "10862")]
    [InlineData("170141183460469231731687303715884105727", "13043817825332782212")] // Int128.MaxValue
    public void Integer_square_root_by_hand(string value, string root) =>
        Assert.Equal(Int128.Parse(root, System.Globalization.CultureInfo.InvariantCulture),
            ExactMath.SquareRoot(Int128.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Integer_square_root_is_the_largest_root_not_above()
    {
        var values = Gen.Frequency(
            (3, Gen.Long[0, long.MaxValue].Select(v => (Int128)v)),
            (3, Gen.Select(Gen.Long[0, long.MaxValue], Gen.ULong).Select(t => ((Int128)t.Item1 << 64) | t.Item2)),
            (1, Gen.Select(Gen.Long[0, 3_037_000_499], Gen.Int[-1, 1], (r, d) => (Int128)r * r + d)));
        values.Where(v => v >= 0).Sample(v =>
        {
            var r = (BigInteger)ExactMath.SquareRoot(v);
            Assert.True(r * r <= (BigInteger)v && (r + 1) * (r + 1) > (BigInteger)v, $"{v}: {r}");
        }, iter: 20_000);
    }
}
