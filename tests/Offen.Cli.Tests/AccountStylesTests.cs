using Offen.Web;

namespace Offen.Cli.Tests;

/// <summary>server.md §1.9 and sharp edge 33, including upstream's own test cases.</summary>
public sealed class AccountStylesTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   \n  ")]
    [InlineData(".banner__root { background-color: red; }")]
    [InlineData(".banner__root { font-size: 14px; }")]
    [InlineData(".banner__root { color: hotpink; font-size: 24px; }")]
    [InlineData(".button:hover { color: blue }")]
    [InlineData(".button:active { color: blue }")]
    [InlineData(".button:focus { color: blue }")]
    [InlineData(".some-element { padding: 12px; }")]
    [InlineData("div .a { color: red }")]
    [InlineData("#id > .a_b { color: red }")]
    [InlineData(".a { color: red !important; }")]
    [InlineData(".a { color: #ff0000; background: rgb(1, 2, 3) }")]
    [InlineData(".a { font-family: \"Comic Sans MS\", serif }")]
    [InlineData(".a { display: flex }")]
    [InlineData(".a{color:red}.b{color:blue}")]
    [InlineData("/* comment */ .a { /* inside */ color: red; }")]
    [InlineData("\uFEFF.a { color: red }")]
    [InlineData("<!-- .a { color: red } -->")]
    [InlineData("@media (max-width: 100px) { .a { color: red } .b { color: url(x) } }")]
    [InlineData("@media screen { .a { color: red } } .b { color: blue }")]
    [InlineData("@import \"x.css\";")]
    [InlineData("@import url(x.css);")]
    [InlineData("@import \"x.css\"")]
    [InlineData("@font-face { font-family: x; src: url(https://example.com/f.woff) }")]
    [InlineData("@charset \"utf-8\"; .a { color: red }")]
    [InlineData("@media print { }")]
    [InlineData("div { }")]
    public void Validate_AllowedCss_IsValid(string css)
    {
        Assert.Null(AccountStyles.Validate(css));
    }

    [Theory]
    [InlineData(".banner__root { display: inline-block; }", "must not contain \"-\"")]
    [InlineData(".a { font-family: sans-serif }", "must not contain \"-\"")]
    [InlineData(".a { margin: 0 0 0 -9999px; }", "must not contain \"-\"")]
    [InlineData(".a { background: url(x) }", "must not contain \"url\"")]
    [InlineData(".a { background: URL(x) }", "must not contain \"url\"")]
    [InlineData(".a { background-image: \"javascript:alert(1)\"; }", "must not contain \"javascript\"")]
    [InlineData(".a { text-size: \"expression(alert('XSS'))\"; }", "must not contain \"expression\"")]
    [InlineData(".a { height: calc(100% + 1px) }", "must not contain \"calc\"")]
    [InlineData(".a { rotate: transform }", "must not contain \"transform\"")]
    [InlineData(".a { color: transparent }", "must not contain \"transparent\"")]
    [InlineData(".a { background: u/**/rl(x) }", "must not contain \"url\"")]
    [InlineData(".a { border-width: 2px }", "property \"border-width\" is not allowed")]
    [InlineData(".a { width: 12px }", "property \"width\" is not allowed")]
    [InlineData(".a { max-width: 12px }", "property \"max-width\" is not allowed")]
    [InlineData(".a { opacity: 0 }", "property \"opacity\" is not allowed")]
    [InlineData(".a { -webkit-opacity: 0 }", "property \"-webkit-opacity\" is not allowed")]
    [InlineData(".a { OPACITY: 0 }", "property \"OPACITY\" is not allowed")]
    [InlineData(".a { filter: blur(1px) }", "property \"filter\" is not allowed")]
    [InlineData(".a { justify-content: center }", "property \"justify-content\" is not allowed")]
    [InlineData(".a { cursor: pointer }", "property \"cursor\" is not allowed")]
    [InlineData(".a { pointer-events: none }", "property \"pointer-events\" is not allowed")]
    [InlineData(".a { behavior: x }", "property \"behavior\" is not allowed")]
    [InlineData(".a::before { content: 'zomfg'; }", "property \"content\" is not allowed")]
    [InlineData("div { color: red }", "selector \"div\" is not allowed")]
    [InlineData("body { color: hotpink; } .a { padding: 12px; }", "selector \"body\" is not allowed")]
    [InlineData(".some-element:first-child { padding: 12px; }", "selector \".some-element:first-child\" is not allowed")]
    [InlineData(".A { color: red }", "selector \".A\" is not allowed")]
    [InlineData(".a1 { color: red }", "selector \".a1\" is not allowed")]
    [InlineData(".a, div { color: red }", "selector \"div\" is not allowed")]
    [InlineData(".banner__root, .x { font-size: 14px; }", "font-size is allowed only on .banner__root alone")]
    [InlineData(".banner__buttons { font-size: 78px; }", "font-size is allowed only on .banner__root alone")]
    [InlineData(".banner__root { font-size: 4px; }", "font-size is allowed only on .banner__root alone")]
    [InlineData(".banner__root { font-size: 100px; }", "font-size is allowed only on .banner__root alone")]
    [InlineData(".banner__root { font-size: 1.5em; }", "font-size is allowed only on .banner__root alone")]
    [InlineData(".a { display: none }", "display: none is not allowed")]
    [InlineData(".a { display: NONE }", "display: none is not allowed")]
    [InlineData(".a { wid\\th: 10px }", "escapes are not allowed")]
    [InlineData(".a { background: \\75 rl(x) }", "escapes are not allowed")]
    [InlineData("@media screen and (min-width: 4000px) { body, .other-thing { color: hotpink; } } .a { padding: 12px; }", "selector \"body\" is not allowed")]
    [InlineData("@media screen { .a { opacity: 0 } }", "property \"opacity\" is not allowed")]
    [InlineData("@MEDIA screen { .a { opacity: 0 } }", "property \"opacity\" is not allowed")]
    [InlineData("@supports (display: grid) { @media screen { .a { color: url(x) } } }", "must not contain \"url\"")]
    public void Validate_BlockedCss_IsInvalidWithAReason(string css, string reason)
    {
        var result = AccountStyles.Validate(css);

        Assert.NotNull(result);
        Assert.Contains(reason, result, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".a { color: red")]
    [InlineData(".a { color: red; } }")]
    [InlineData(".a { color red; }")]
    [InlineData(".a { : red; }")]
    [InlineData(".a { color: red;; }")]
    [InlineData("{ color: red }")]
    [InlineData(".a")]
    [InlineData(".a; .b { color: red }")]
    [InlineData(".a { color: \"red }")]
    [InlineData(".a { color: red } /* unclosed")]
    [InlineData(".a { color: rgb(1, 2 }")]
    [InlineData(".a { color: red; .b { color: blue } }")]
    [InlineData("@media screen { .a { color: red }")]
    [InlineData("@layer base { .a { color: url(x) } }")]
    [InlineData("@ { }")]
    [InlineData(".break-it {\n\tcolor: red;\n\n@media screen {\n\t.some-element {\n\t\tbackground-image: \"javascript:alert(1)\";\n\t}\n}\n")]
    public void Validate_UnparsableCss_IsInvalid(string css)
    {
        var result = AccountStyles.Validate(css);

        Assert.NotNull(result);
        Assert.StartsWith("parse error: ", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OnlyTheFirstRuleOfAnAtRuleIsChecked()
    {
        Assert.Null(AccountStyles.Validate("@media print { .a { color: red } div { opacity: 0 } }"));
        Assert.NotNull(AccountStyles.Validate("@media print { div { opacity: 0 } .a { color: red } }"));
    }

    [Fact]
    public void Validate_SemicolonsInsideStringsAndParenthesesDoNotEndADeclaration()
    {
        Assert.Null(AccountStyles.Validate(".a { font-family: \"a;b}\", serif; color: rgb(1;2) }"));
    }
}
