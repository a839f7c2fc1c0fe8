using System.Text;

namespace Offen.Mail;

/// <summary>The three mails the server sends (server.md §8, template table).</summary>
public enum EmailKind
{
    /// <summary><c>subject_reset_password</c> / <c>body_reset_password</c>: POST /api/forgot-password.</summary>
    ResetPassword,

    /// <summary><c>subject_new_user_invite</c> / <c>body_new_user_invite</c>: share with an invitee without a password.</summary>
    NewUserInvite,

    /// <summary><c>subject_existing_user_invite</c> / <c>body_existing_user_invite</c>: share with an existing user.</summary>
    ExistingUserInvite,
}

/// <summary>
/// Renders the mails in OFFEN_APP_LOCALE. The text is plain and is not HTML-escaped. Upstream renders these templates
/// with Go's HTML engine, so <c>+</c> and <c>&amp;</c> in links become entities and the links break (server.md §11 edge 41).
/// The subject is trimmed, and the body ends with one newline.
/// </summary>
public static class EmailTemplates
{
    public static readonly IReadOnlyList<string> Locales = ["en", "de", "fr", "es", "pt", "vi"];

    /// <param name="kind">Which mail.</param>
    /// <param name="locale">One of <see cref="Locales"/>. A region (<c>de-AT</c>) or different case is accepted;
    /// anything else falls back to English.</param>
    /// <param name="url">The reset or join link. Required for <see cref="EmailKind.ResetPassword"/> and
    /// <see cref="EmailKind.NewUserInvite"/>.</param>
    /// <param name="accountNames">The newly shared accounts, for <see cref="EmailKind.ExistingUserInvite"/>: one line each.</param>
    public static (string Subject, string Body) Render(EmailKind kind, string locale, string? url, IReadOnlyList<string>? accountNames)
    {
        var t = TextsFor(locale);
        return kind switch
        {
            EmailKind.ResetPassword => (t.ResetSubject.Trim(), Body(t.Hi, t.ResetIntro, Required(url, kind), t.ResetValidity)),
            EmailKind.NewUserInvite => (t.InviteSubject.Trim(), Body(t.Hi, t.InviteIntro, Required(url, kind), t.InviteValidity)),
            EmailKind.ExistingUserInvite => (t.AddedSubject.Trim(), Body(t.Hi, t.AddedIntro, AccountLines(accountNames), t.AddedOutro)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown email kind"),
        };
    }

    private static string Body(params string[] paragraphs) => string.Join("\n\n", paragraphs) + "\n";

    private static string Required(string? url, EmailKind kind) =>
        string.IsNullOrWhiteSpace(url) ? throw new ArgumentException($"{kind} needs a url", nameof(url)) : url.Trim();

    private static string AccountLines(IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(names, "accountNames");
        var sb = new StringBuilder();
        foreach (var name in names)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            // A line break inside a name must not fake more list lines.
            sb.Append("- ").Append(name.Trim().ReplaceLineEndings(" "));
        }

        return sb.ToString();
    }

    private static Texts TextsFor(string? locale)
    {
        var key = (locale ?? "").Trim().Split('-', '_')[0].ToLowerInvariant();
        return All.TryGetValue(key, out var texts) ? texts : All["en"];
    }

    private sealed record Texts(
        string Hi,
        string ResetSubject,
        string ResetIntro,
        string ResetValidity,
        string InviteSubject,
        string InviteIntro,
        string InviteValidity,
        string AddedSubject,
        string AddedIntro,
        string AddedOutro);

    // English is upstream's source text (server.md §8). The other five are our own translations, in the informal
    // address the web UI uses where a language has the choice (de "du", es "tú"); fr keeps the usual "vous".
    private static readonly Dictionary<string, Texts> All = new()
    {
        ["en"] = new(
            Hi: "Hi!",
            ResetSubject: "Reset your password",
            ResetIntro: "You have requested to reset your password. To do so, visit the following link:",
            ResetValidity: "The link is valid for 24 hours after this email has been sent. In case you have missed this deadline, you can always request a new link.",
            InviteSubject: "You have been invited to join Offen Fair Web Analytics.",
            InviteIntro: "You have been invited to Offen Fair Web Analytics. To accept your invite, visit the following link:",
            InviteValidity: "The link is valid for 7 days after this email has been sent. In case you have missed this deadline, request a new invite.",
            AddedSubject: "You have been added to additional accounts on Offen Fair Web Analytics.",
            AddedIntro: "You have been added to the following new accounts on Offen Fair Web Analytics:",
            AddedOutro: "You automatically gain access to these accounts the next time you log in."),
        ["de"] = new(
            Hi: "Hallo!",
            ResetSubject: "Setze dein Passwort zurück",
            ResetIntro: "Du hast angefordert, dein Passwort zurückzusetzen. Öffne dazu den folgenden Link:",
            ResetValidity: "Der Link ist ab dem Versand dieser E-Mail 24 Stunden lang gültig. Falls du diese Frist verpasst hast, kannst du jederzeit einen neuen Link anfordern.",
            InviteSubject: "Du wurdest zu Offen Fair Web Analytics eingeladen.",
            InviteIntro: "Du wurdest zu Offen Fair Web Analytics eingeladen. Um die Einladung anzunehmen, öffne den folgenden Link:",
            InviteValidity: "Der Link ist ab dem Versand dieser E-Mail 7 Tage lang gültig. Falls du diese Frist verpasst hast, fordere eine neue Einladung an.",
            AddedSubject: "Du wurdest zu weiteren Konten in Offen Fair Web Analytics hinzugefügt.",
            AddedIntro: "Du wurdest zu den folgenden neuen Konten in Offen Fair Web Analytics hinzugefügt:",
            AddedOutro: "Beim nächsten Login erhältst du automatisch Zugriff auf diese Konten."),
        ["fr"] = new(
            Hi: "Bonjour !",
            ResetSubject: "Réinitialisez votre mot de passe",
            ResetIntro: "Vous avez demandé la réinitialisation de votre mot de passe. Pour cela, ouvrez le lien suivant :",
            ResetValidity: "Ce lien est valable 24 heures à compter de l'envoi de cet e-mail. Si ce délai est dépassé, vous pouvez toujours demander un nouveau lien.",
            InviteSubject: "Vous êtes invité(e) à rejoindre Offen Fair Web Analytics.",
            InviteIntro: "Vous avez été invité(e) sur Offen Fair Web Analytics. Pour accepter l'invitation, ouvrez le lien suivant :",
            InviteValidity: "Ce lien est valable 7 jours à compter de l'envoi de cet e-mail. Si ce délai est dépassé, demandez une nouvelle invitation.",
            AddedSubject: "Vous avez été ajouté(e) à d'autres comptes sur Offen Fair Web Analytics.",
            AddedIntro: "Vous avez été ajouté(e) aux nouveaux comptes suivants sur Offen Fair Web Analytics :",
            AddedOutro: "Vous aurez automatiquement accès à ces comptes lors de votre prochaine connexion."),
        ["es"] = new(
            Hi: "¡Hola!",
            ResetSubject: "Restablece tu contraseña",
            ResetIntro: "Has solicitado restablecer tu contraseña. Para hacerlo, visita el siguiente enlace:",
            ResetValidity: "El enlace es válido durante 24 horas a partir del envío de este correo. Si se te ha pasado el plazo, siempre puedes solicitar un enlace nuevo.",
            InviteSubject: "Te han invitado a unirte a Offen Fair Web Analytics.",
            InviteIntro: "Te han invitado a Offen Fair Web Analytics. Para aceptar la invitación, visita el siguiente enlace:",
            InviteValidity: "El enlace es válido durante 7 días a partir del envío de este correo. Si se te ha pasado el plazo, solicita una nueva invitación.",
            AddedSubject: "Te han añadido a más cuentas en Offen Fair Web Analytics.",
            AddedIntro: "Te han añadido a las siguientes cuentas nuevas en Offen Fair Web Analytics:",
            AddedOutro: "La próxima vez que inicies sesión tendrás acceso a estas cuentas automáticamente."),
        ["pt"] = new(
            Hi: "Olá!",
            ResetSubject: "Redefina a sua senha",
            ResetIntro: "Você pediu para redefinir a sua senha. Para isso, acesse o seguinte link:",
            ResetValidity: "O link é válido por 24 horas a partir do envio deste e-mail. Caso tenha perdido esse prazo, você sempre pode pedir um novo link.",
            InviteSubject: "Você foi convidado(a) para participar do Offen Fair Web Analytics.",
            InviteIntro: "Você foi convidado(a) para o Offen Fair Web Analytics. Para aceitar o convite, acesse o seguinte link:",
            InviteValidity: "O link é válido por 7 dias a partir do envio deste e-mail. Caso tenha perdido esse prazo, peça um novo convite.",
            AddedSubject: "Você foi adicionado(a) a mais contas no Offen Fair Web Analytics.",
            AddedIntro: "Você foi adicionado(a) às seguintes novas contas no Offen Fair Web Analytics:",
            AddedOutro: "Na próxima vez que fizer login, você terá acesso a essas contas automaticamente."),
        ["vi"] = new(
            Hi: "Xin chào!",
            ResetSubject: "Đặt lại mật khẩu của bạn",
            ResetIntro: "Bạn đã yêu cầu đặt lại mật khẩu. Để tiếp tục, hãy truy cập liên kết sau:",
            ResetValidity: "Liên kết có hiệu lực trong 24 giờ kể từ khi email này được gửi. Nếu bạn đã bỏ lỡ thời hạn này, bạn luôn có thể yêu cầu một liên kết mới.",
            InviteSubject: "Bạn đã được mời tham gia Offen Fair Web Analytics.",
            InviteIntro: "Bạn đã được mời sử dụng Offen Fair Web Analytics. Để chấp nhận lời mời, hãy truy cập liên kết sau:",
            InviteValidity: "Liên kết có hiệu lực trong 7 ngày kể từ khi email này được gửi. Nếu bạn đã bỏ lỡ thời hạn này, hãy yêu cầu một lời mời mới.",
            AddedSubject: "Bạn đã được thêm vào các tài khoản khác trên Offen Fair Web Analytics.",
            AddedIntro: "Bạn đã được thêm vào các tài khoản mới sau đây trên Offen Fair Web Analytics:",
            AddedOutro: "Bạn sẽ tự động có quyền truy cập vào các tài khoản này trong lần đăng nhập tiếp theo."),
    };
}
