using System.Text.Json;
using System.Text.Json.Serialization;
using Scheduler.Web.Accounts;
using Scheduler.Web.Jobs;

namespace Scheduler.Web.Http;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(RunJobRequest))]
[JsonSerializable(typeof(JobAccepted))]
[JsonSerializable(typeof(JobStatusResponse))]
[JsonSerializable(typeof(JobDetailsResponse))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class WebJsonContext : JsonSerializerContext;
