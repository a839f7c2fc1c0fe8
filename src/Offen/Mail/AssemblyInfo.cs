using System.Runtime.CompilerServices;

// The mail tests reach the transport-security override and the message builder (SmtpMailer's internal constructor).
[assembly: InternalsVisibleTo("Offen.Mail.Tests")]
