// Tests start hosts whose TracerProviders listen to process-wide ActivitySources and set the process-wide
// default propagator, so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
