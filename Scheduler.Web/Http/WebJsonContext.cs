using System.Text.Json;
using System.Text.Json.Serialization;
using Scheduler.Web.Accounts;
using Scheduler.Web.Definitions;
using Scheduler.Web.Jobs;
using Scheduler.Web.Schedules;

namespace Scheduler.Web.Http;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(RunJobRequest))]
[JsonSerializable(typeof(JobAccepted))]
[JsonSerializable(typeof(JobStatusResponse))]
[JsonSerializable(typeof(JobDetailsResponse))]
[JsonSerializable(typeof(JobListResponse))]
[JsonSerializable(typeof(JobCancelResponse))]
[JsonSerializable(typeof(JobLogResponse))]
[JsonSerializable(typeof(JobFilesResponse))]
[JsonSerializable(typeof(IReadOnlyList<DefinitionSummary>))]
[JsonSerializable(typeof(DefinitionResponse))]
[JsonSerializable(typeof(IReadOnlyList<DefinitionVersion>))]
[JsonSerializable(typeof(DefinitionValidation))]
[JsonSerializable(typeof(ScheduleRequest))]
[JsonSerializable(typeof(ScheduleResponse))]
[JsonSerializable(typeof(SchedulePollAccepted))]
[JsonSerializable(typeof(IReadOnlyList<ScheduleResponse>))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class WebJsonContext : JsonSerializerContext;
