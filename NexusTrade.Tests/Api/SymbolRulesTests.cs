using NexusTrade.Api.Quotes;

namespace NexusTrade.Tests.Api;

public sealed class SymbolRulesTests
{
    [Theory]
    [InlineData("AAPL", "AAPL")]
    [InlineData("aapl", "AAPL")]
    [InlineData(" msft ", "MSFT")]
    [InlineData("BRK.B", "BRK.B")]
    [InlineData("RDS-A", "RDS-A")]
    [InlineData("ABCDEFGHIJKL", "ABCDEFGHIJKL")]
    public void Valid_symbols_are_normalised_to_upper_case(string raw, string expected)
    {
        Assert.True(SymbolRules.TryNormalize(raw, out var symbol));
        Assert.Equal(expected, symbol);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1ABC")]
    [InlineData("AB CD")]
    [InlineData("ABCDEFGHIJKLM")]
    [InlineData("<script>")]
    [InlineData("AAPL;DROP")]
    [InlineData("ÄPPL")]
    [InlineData("../etc")]
    public void Invalid_symbols_are_refused(string? raw) => Assert.False(SymbolRules.TryNormalize(raw, out _));

    [Fact]
    public void Error_excerpts_never_echo_huge_input()
    {
        var excerpt = SymbolRules.Excerpt(new string('A', 10_000));
        Assert.True(excerpt.Length <= SymbolRules.MaxLength + 9);
    }
}
