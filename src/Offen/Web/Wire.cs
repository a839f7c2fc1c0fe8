using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Offen.Web;

// server.md §2: the JSON types the API returns. Member order is the declaration order,
// omitempty members are nullable and left out when null.

public sealed record ErrorResponse(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("status")] int Status);

public sealed record AckResponse([property: JsonPropertyName("ack")] bool Ack);
public sealed record HealthResponse([property: JsonPropertyName("ok")] bool Ok);
public sealed record VersionResponse([property: JsonPropertyName("revision")] string Revision);

public sealed record EventResult(
    [property: JsonPropertyName("accountId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AccountId,
    [property: JsonPropertyName("secretId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SecretId,
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("payload")] string Payload);

public sealed record EventsResult(
    [property: JsonPropertyName("events")] Dictionary<string, List<EventResult>> Events,
    [property: JsonPropertyName("deletedEvents"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<string>? DeletedEvents,
    [property: JsonPropertyName("sequence"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sequence,
    [property: JsonPropertyName("retentionPeriod"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RetentionPeriod);

public sealed record AccountResult(
    [property: JsonPropertyName("accountId")] string AccountId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("publicKey")] JsonNode? PublicKey,
    [property: JsonPropertyName("encryptedPrivateKey"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EncryptedPrivateKey,
    [property: JsonPropertyName("events"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, List<EventResult>>? Events,
    [property: JsonPropertyName("deletedEvents"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<string>? DeletedEvents,
    [property: JsonPropertyName("sequence"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sequence,
    [property: JsonPropertyName("secrets"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SortedDictionary<string, string>? Secrets,
    [property: JsonPropertyName("accountStyles"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AccountStyles,
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("retentionPeriod"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RetentionPeriod);

/// <summary>
/// GET /api/accounts/:id?uncovered=1, our extension (docs/adr/0005-shared-caches.md): the members of
/// <see cref="AccountResult"/> without <c>deletedEvents</c>, then the account's rollups (metadata, always present) and
/// <c>next</c>, the cursor for <c>after</c> when more uncovered events follow.
/// </summary>
public sealed record UncoveredAccountResult(
    [property: JsonPropertyName("accountId")] string AccountId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("publicKey")] JsonNode? PublicKey,
    [property: JsonPropertyName("encryptedPrivateKey"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EncryptedPrivateKey,
    [property: JsonPropertyName("events"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, List<EventResult>>? Events,
    [property: JsonPropertyName("sequence"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sequence,
    [property: JsonPropertyName("secrets"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SortedDictionary<string, string>? Secrets,
    [property: JsonPropertyName("accountStyles"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AccountStyles,
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("retentionPeriod"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RetentionPeriod,
    [property: JsonPropertyName("rollups")] List<RollupResult> Rollups,
    [property: JsonPropertyName("next"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next);

public sealed record LoginAccountResult(
    [property: JsonPropertyName("accountName")] string AccountName,
    [property: JsonPropertyName("accountId")] string AccountId,
    [property: JsonPropertyName("keyEncryptionKey")] JsonNode? KeyEncryptionKey,
    [property: JsonPropertyName("created")] string Created);

public sealed record LoginResult(
    [property: JsonPropertyName("accountUserId")] string AccountUserId,
    [property: JsonPropertyName("adminLevel")] long AdminLevel,
    [property: JsonPropertyName("accounts")] List<LoginAccountResult>? Accounts);

// Our shared encrypted caches (docs/adr/0005-shared-caches.md).
public sealed record CachedSecretsResult([property: JsonPropertyName("secrets")] SortedDictionary<string, string> Secrets);
public sealed record StoredResult([property: JsonPropertyName("stored")] int Stored);

public sealed record RollupResult(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("firstEventId")] string FirstEventId,
    [property: JsonPropertyName("lastEventId")] string LastEventId,
    [property: JsonPropertyName("eventCount")] long EventCount,
    [property: JsonPropertyName("asOf")] string AsOf,
    [property: JsonPropertyName("payload"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Payload);

public sealed record RollupsResult([property: JsonPropertyName("rollups")] List<RollupResult> Rollups);

// Request bodies (server.md §1.2: keys match case-insensitively, unknown keys are ignored).
public sealed class EventRequest { public string AccountId { get; set; } = ""; public string Payload { get; set; } = ""; }
public sealed class ExchangeRequest { public string EncryptedSecret { get; set; } = ""; public string AccountId { get; set; } = ""; }
public sealed class LoginRequest { public string Username { get; set; } = ""; public string Password { get; set; } = ""; }
public sealed class ChangePasswordRequest { public string ChangedPassword { get; set; } = ""; public string CurrentPassword { get; set; } = ""; }
public sealed class ChangeEmailRequest { public string EmailAddress { get; set; } = ""; public string EmailCurrent { get; set; } = ""; public string Password { get; set; } = ""; }
public sealed class ForgotPasswordRequest { public string EmailAddress { get; set; } = ""; public string UrlTemplate { get; set; } = ""; }
public sealed class ResetPasswordRequest { public string EmailAddress { get; set; } = ""; public string Password { get; set; } = ""; public string Token { get; set; } = ""; }
public sealed class ShareAccountRequest
{
    public string Invitee { get; set; } = ""; public string EmailAddress { get; set; } = ""; public string Password { get; set; } = "";
    public string UrlTemplate { get; set; } = ""; public bool GrantAdminPrivileges { get; set; }
}
public sealed class JoinRequest { public string EmailAddress { get; set; } = ""; public string Password { get; set; } = ""; public string Token { get; set; } = ""; }
public sealed class SetupRequest { public string AccountName { get; set; } = ""; public string EmailAddress { get; set; } = ""; public string Password { get; set; } = ""; }
public sealed class CreateAccountRequest { public string AccountName { get; set; } = ""; public string EmailAddress { get; set; } = ""; public string Password { get; set; } = ""; }
public sealed class AccountStylesRequest { public string AccountStyles { get; set; } = ""; }
public sealed class CachedSecretsRequest { public Dictionary<string, string>? Secrets { get; set; } }
public sealed class RollupRequest
{
    public string FirstEventId { get; set; } = ""; public string LastEventId { get; set; } = ""; public string AsOf { get; set; } = "";
    public string Payload { get; set; } = "";
    /// <summary>Kept as the JSON value, so a fraction, a string or a missing count gets the rule's own message.</summary>
    public JsonElement EventCount { get; set; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow, NumberHandling = JsonNumberHandling.Strict,
    Converters = [typeof(NullAsEmptyStringConverter)])]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(AckResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(EventsResult))]
[JsonSerializable(typeof(AccountResult))]
[JsonSerializable(typeof(UncoveredAccountResult))]
[JsonSerializable(typeof(LoginResult))]
[JsonSerializable(typeof(EventRequest))]
[JsonSerializable(typeof(ExchangeRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(ChangeEmailRequest))]
[JsonSerializable(typeof(ForgotPasswordRequest))]
[JsonSerializable(typeof(ResetPasswordRequest))]
[JsonSerializable(typeof(ShareAccountRequest))]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(SetupRequest))]
[JsonSerializable(typeof(CreateAccountRequest))]
[JsonSerializable(typeof(AccountStylesRequest))]
[JsonSerializable(typeof(CachedSecretsResult))]
[JsonSerializable(typeof(StoredResult))]
[JsonSerializable(typeof(RollupResult))]
[JsonSerializable(typeof(RollupsResult))]
[JsonSerializable(typeof(CachedSecretsRequest))]
[JsonSerializable(typeof(RollupRequest))]
public sealed partial class WireJson : JsonSerializerContext;
