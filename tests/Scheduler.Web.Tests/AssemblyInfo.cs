// Hangfire keeps its storage in a process-wide static (JobStorage.Current): two service instances started at the
// same time would share one. The test classes of this project therefore run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
