using System.Text.Json;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Web.Definitions;

/// <summary>One entry of <c>GET /api/workflows</c> or <c>/api/dataflows</c>: the latest version, and whether it can run.</summary>
internal sealed record DefinitionSummary(
    string Name,
    int Version,
    DateTimeOffset UpdatedAt,
    string? UpdatedBy,
    bool Valid,
    IReadOnlyList<DefinitionProblem> Problems);

/// <summary>One version of a definition with its document, as it was saved.</summary>
internal sealed record DefinitionResponse(string Name, int Version, DateTimeOffset CreatedAt, string? CreatedBy, JsonElement Document);

/// <summary>One line of a definition's history; a deleted version marks where it was deleted.</summary>
internal sealed record DefinitionVersion(int Version, DateTimeOffset CreatedAt, string? CreatedBy, bool Deleted);

/// <summary>The answer of a validate call: every problem with its JSON path; nothing is saved.</summary>
internal sealed record DefinitionValidation(bool Valid, IReadOnlyList<DefinitionProblem> Problems);
