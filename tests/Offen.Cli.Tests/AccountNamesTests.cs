using Offen.Features.Accounts;

namespace Offen.Cli.Tests;

/// <summary>server.md §1.4 (POST /api/setup) and sharp edge 34.</summary>
public sealed class AccountNamesTests
{
    [Theory]
    [InlineData("My Website", "My Website")]
    [InlineData("Tom &amp; Jerry", "Tom & Jerry")]
    [InlineData("<b>x</b>", "x")]
    [InlineData("a < b", "a < b")]
    [InlineData("a <3 b", "a <3 b")]
    [InlineData("1 &lt; 2", "1 < 2")]
    [InlineData("&quot;quoted&quot; &#39;single&#39; &#x41;", "\"quoted\" 'single' A")]
    [InlineData("&amp;lt;b&amp;gt;", "&lt;b&gt;")]
    [InlineData("Tom & Jerry", "Tom & Jerry")]
    [InlineData("<a href=\"https://x\" title='a > b'>link</a> text", "link text")]
    [InlineData("<img src=x onerror=alert(1)>name", "name")]
    [InlineData("<br/>line<br />", "line")]
    [InlineData("name<!-- comment -->", "name")]
    [InlineData("name<!-- unclosed", "name")]
    [InlineData("<!DOCTYPE html>name", "name")]
    [InlineData("<?xml version=\"1.0\"?>name", "name")]
    [InlineData("name</ bogus>", "name")]
    [InlineData("name</>", "name")]
    [InlineData("name<b", "name")]
    [InlineData("<script>alert('<b>x</b>')</script>safe", "safe")]
    [InlineData("<SCRIPT>alert(1)</SCRIPT >safe", "safe")]
    [InlineData("<style>.a { color: red }</style>styled", "styled")]
    [InlineData("<title>t</title>name", "name")]
    [InlineData("<iframe src=x>inner</iframe>name", "name")]
    [InlineData("<object><b>inner</b></object>name", "name")]
    [InlineData("<textarea><b>kept</b></textarea>", "<b>kept</b>")]
    [InlineData("<p>Caf&eacute; &#8364;</p>", "Café €")]
    [InlineData("", "")]
    public void Sanitize_StripsMarkupThenDecodesEntities(string input, string expected)
    {
        Assert.Equal(expected, AccountNames.Sanitize(input));
    }

    [Fact]
    public void Sanitize_OnlyMarkup_GivesAnEmptyName()
    {
        Assert.Equal("", AccountNames.Sanitize("<script>x</script><b></b>"));
    }
}
