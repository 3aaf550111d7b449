// Workflow and dataflow documents report their problems the same way.
global using DefinitionProblem = Scheduler.Dataflows.Definitions.DefinitionProblem;
