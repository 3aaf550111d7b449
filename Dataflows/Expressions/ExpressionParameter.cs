namespace Scheduler.Dataflows.Expressions;

/// <summary>A name an expression may use and the type of its value. Names may contain dots: <c>RunDataflow1.rowsRejected</c>.</summary>
public sealed record ExpressionParameter(string Name, Type Type);
