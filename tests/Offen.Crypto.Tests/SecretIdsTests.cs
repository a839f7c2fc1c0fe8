using Offen.Crypto;

namespace Offen.Crypto.Tests;

public class SecretIdsTests
{
    [Theory]
    [InlineData("user-one", "{1,} b2tpZG9raQ==", "e5360d95ca3ebc8b4f262bf92ae3bda4cf30f57addf527cbdfbe1202520dd7ba")]
    [InlineData("7c1b1a4e-5a0e-4c4e-9d4a-0f8f3b2a1c11", "{1,} CaHVhk78uhoPmf5wanA0vg==", "05ef5d6d8347ab4ff59f3f56b99cb6f60cf17a8157f5584502de5cb95fe52b70")]
    public void Hash_MatchesVector(string userId, string salt, string expected) =>
        Assert.Equal(expected, SecretIds.Hash(userId, salt));
}
