using System.Text.Json.Serialization;
using Scheduler.Web.Http;

namespace Scheduler.Web.Accounts;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record LoginRequest(
    string? User,
    string? Password,
    [property: JsonConverter(typeof(LenientBooleanConverter))] bool RememberMe = false);

internal sealed record LoginResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles);
