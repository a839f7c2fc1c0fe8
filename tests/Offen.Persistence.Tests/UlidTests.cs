namespace Offen.Persistence.Tests;

/// <summary>server.md §5.7: ULIDs as oklog/ulid makes them.</summary>
public sealed class UlidTests
{
    [Fact]
    public void New_ManyInOneMillisecond_StrictlyIncreasing26CharUppercaseCrockford()
    {
        var previous = Ulids.New();
        for (var i = 0; i < 200_000; i++)
        {
            var next = Ulids.New();
            Assert.True(string.CompareOrdinal(next, previous) > 0, $"{next} after {previous}");
            previous = next;
        }
        Assert.Equal(26, previous.Length);
        Assert.Matches("^[0-7][0-9A-HJKMNP-TV-Z]{25}$", previous);
    }

    [Fact]
    public async Task New_FromManyThreads_AllDistinct()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 20_000).Select(_ => Ulids.New()).ToList())));
        Assert.Equal(160_000, ids.SelectMany(x => x).Distinct().Count());
    }

    [Fact]
    public void TimeOf_ReadsTheMillisecond_NewForAndSiblingKeepIt()
    {
        var t = new DateTimeOffset(2021, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
        var id = Ulids.NewFor(t);
        var sibling = Ulids.Sibling(id);

        Assert.Equal(t, Ulids.TimeOf(id));
        Assert.Equal(t, Ulids.TimeOf(sibling));
        Assert.NotEqual(id, sibling);
        Assert.Equal(id[..10], sibling[..10]);
        var now = DateTimeOffset.UtcNow;
        Assert.InRange(Ulids.TimeOf(Ulids.New()), now.AddSeconds(-5), now.AddSeconds(5));
    }

    [Fact]
    public void TimeOf_KnownValue_MatchesOklogEncoding()
    {
        // The ULID spec's example: ulid(1469918176385) = 01ARYZ6S41TSV4RRFFQ69G5FAV.
        var t = DateTimeOffset.FromUnixTimeMilliseconds(1469918176385);
        Assert.Equal(t, Ulids.TimeOf("01ARYZ6S41TSV4RRFFQ69G5FAV"));
        Assert.StartsWith("01ARYZ6S41", Ulids.NewFor(t));
        Assert.True(Ulids.IsValid("01ARZ3NDEKTSV4RRFFQ69G5FAV"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FA")]
    [InlineData("81ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAU")]
    public void TimeOf_NotAUlid_ThrowsArgumentException(string value)
    {
        Assert.False(Ulids.IsValid(value));
        Assert.Throws<ArgumentException>(() => Ulids.TimeOf(value));
    }
}
