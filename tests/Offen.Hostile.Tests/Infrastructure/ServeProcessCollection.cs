namespace Offen.Hostile.Tests;

/// <summary>
/// The tests that start `offen serve` and measure its memory and latency run one after the other, so that one
/// does not skew the other's numbers on a small host; the in-process tests still run beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ServeProcessCollection
{
    public const string Name = "offen serve processes";
}
