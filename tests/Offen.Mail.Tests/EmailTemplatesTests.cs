namespace Offen.Mail.Tests;

public sealed class EmailTemplatesTests
{
    private const string Url = "https://offen.example/join/eyJ+abc/def&x=1'\"<b>/";
    private static readonly string[] Names = ["Blog & Shop", "<Main> site", "O'Reilly \"test\"", "a+b"];

    public static TheoryData<EmailKind, string> KindsAndLocales()
    {
        var data = new TheoryData<EmailKind, string>();
        foreach (var kind in Enum.GetValues<EmailKind>())
        {
            foreach (var locale in EmailTemplates.Locales)
            {
                data.Add(kind, locale);
            }
        }

        return data;
    }

    private static (string Subject, string Body) Render(EmailKind kind, string locale) =>
        EmailTemplates.Render(kind, locale, kind == EmailKind.ExistingUserInvite ? null : Url,
            kind == EmailKind.ExistingUserInvite ? Names : null);

    [Theory]
    [MemberData(nameof(KindsAndLocales))]
    public void Render_EveryKindAndLocale_GivesTrimmedSubjectAndBodyWithContent(EmailKind kind, string locale)
    {
        var (subject, body) = Render(kind, locale);

        Assert.False(string.IsNullOrWhiteSpace(subject));
        Assert.Equal(subject.Trim(), subject);
        Assert.DoesNotContain('\n', subject);
        Assert.EndsWith("\n", body, StringComparison.Ordinal);
        Assert.False(body.StartsWith('\n'));
        if (kind == EmailKind.ExistingUserInvite)
        {
            foreach (var name in Names)
            {
                Assert.Contains($"\n- {name}\n", body, StringComparison.Ordinal);
            }
        }
        else
        {
            Assert.Contains($"\n\n{Url}\n\n", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndLocales))]
    public void Render_EveryKindAndLocale_HasNoHtmlEntities(EmailKind kind, string locale)
    {
        var (subject, body) = Render(kind, locale);

        foreach (var entity in new[] { "&amp;", "&lt;", "&gt;", "&#43;", "&#39;", "&#34;", "&quot;", "&#" })
        {
            Assert.DoesNotContain(entity, subject, StringComparison.Ordinal);
            Assert.DoesNotContain(entity, body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndLocales))]
    public void Render_NonEnglishLocale_IsTranslated(EmailKind kind, string locale)
    {
        var english = Render(kind, "en");
        var localized = Render(kind, locale);

        if (locale == "en")
        {
            Assert.Equal(english, localized);
        }
        else
        {
            Assert.NotEqual(english.Subject, localized.Subject);
            Assert.NotEqual(english.Body, localized.Body);
        }
    }

    [Fact]
    public void Render_ResetPasswordInEnglish_MatchesUpstreamWording()
    {
        var (subject, body) = EmailTemplates.Render(EmailKind.ResetPassword, "en", "https://offen.example/reset-password/t+k/", null);

        Assert.Equal("Reset your password", subject);
        Assert.Equal(
            "Hi!\n\nYou have requested to reset your password. To do so, visit the following link:\n\n" +
            "https://offen.example/reset-password/t+k/\n\n" +
            "The link is valid for 24 hours after this email has been sent. In case you have missed this deadline, you can always request a new link.\n",
            body);
    }

    [Fact]
    public void Render_NewUserInviteInEnglish_MatchesUpstreamWording()
    {
        var (subject, body) = EmailTemplates.Render(EmailKind.NewUserInvite, "en", "https://offen.example/join/t/", null);

        Assert.Equal("You have been invited to join Offen Fair Web Analytics.", subject);
        Assert.Equal(
            "Hi!\n\nYou have been invited to Offen Fair Web Analytics. To accept your invite, visit the following link:\n\n" +
            "https://offen.example/join/t/\n\n" +
            "The link is valid for 7 days after this email has been sent. In case you have missed this deadline, request a new invite.\n",
            body);
    }

    [Fact]
    public void Render_ExistingUserInviteInEnglish_ListsOneLinePerAccountInOrder()
    {
        var (subject, body) = EmailTemplates.Render(EmailKind.ExistingUserInvite, "en", null, ["Blog", "Shop & Co"]);

        Assert.Equal("You have been added to additional accounts on Offen Fair Web Analytics.", subject);
        Assert.Equal(
            "Hi!\n\nYou have been added to the following new accounts on Offen Fair Web Analytics:\n\n" +
            "- Blog\n- Shop & Co\n\n" +
            "You automatically gain access to these accounts the next time you log in.\n",
            body);
    }

    [Fact]
    public void Render_AccountNameWithLineBreak_StaysOnOneLine()
    {
        var (_, body) = EmailTemplates.Render(EmailKind.ExistingUserInvite, "en", null, ["Blog\n- Fake"]);

        Assert.Contains("\n- Blog - Fake\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\n- Fake", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xx")]
    [InlineData("")]
    [InlineData("english")]
    public void Render_UnknownLocale_FallsBackToEnglish(string locale)
    {
        Assert.Equal(
            EmailTemplates.Render(EmailKind.ResetPassword, "en", Url, null),
            EmailTemplates.Render(EmailKind.ResetPassword, locale, Url, null));
    }

    [Theory]
    [InlineData("DE")]
    [InlineData("de-AT")]
    [InlineData("de_DE")]
    public void Render_LocaleWithRegionOrCase_UsesTheLanguage(string locale)
    {
        Assert.Equal(
            EmailTemplates.Render(EmailKind.ResetPassword, "de", Url, null),
            EmailTemplates.Render(EmailKind.ResetPassword, locale, Url, null));
    }

    [Theory]
    [InlineData(EmailKind.ResetPassword)]
    [InlineData(EmailKind.NewUserInvite)]
    public void Render_LinkKindWithoutUrl_Throws(EmailKind kind)
    {
        Assert.Throws<ArgumentException>(() => EmailTemplates.Render(kind, "en", null, null));
    }

    [Fact]
    public void Render_ExistingUserInviteWithoutNames_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => EmailTemplates.Render(EmailKind.ExistingUserInvite, "en", null, null));
    }
}
